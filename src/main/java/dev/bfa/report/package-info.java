/**
 * What a run leaves behind and shows while it trains: the run directory's files
 * ({@link dev.bfa.report.RunFiles}: config.json, metrics.csv, summary.json, report.md, written
 * atomically), the paper's Figures 2 and 3 ({@link dev.bfa.report.Figures}), the combined report of
 * {@code reproduce} ({@link dev.bfa.report.CombinedReport}), the report of a sweep over seeds and
 * options ({@link dev.bfa.report.SweepReport}) and the progress display on stderr
 * ({@link dev.bfa.report.Progress}). Uses the training, model and statistics packages, never the CLI.
 */
package dev.bfa.report;
