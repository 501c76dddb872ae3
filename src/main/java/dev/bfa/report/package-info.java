/**
 * What a run leaves behind and shows while it trains: the run directory's files
 * ({@link dev.bfa.report.RunFiles}: config.json, metrics.csv, summary.json, report.md, written
 * atomically), the paper's Figures 2 and 3 ({@link dev.bfa.report.Figures}), the combined report of
 * {@code reproduce} ({@link dev.bfa.report.CombinedReport}) and the progress display on stderr
 * ({@link dev.bfa.report.Progress}). Uses the training and model packages, never the CLI.
 */
package dev.bfa.report;
