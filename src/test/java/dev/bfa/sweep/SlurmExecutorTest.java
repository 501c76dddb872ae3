package dev.bfa.sweep;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What bfa reads from and writes for Slurm, on the text Slurm 22.05 prints (docs/sweeps.md). */
class SlurmExecutorTest {
    @Test
    void arraySpecsCompressRuns() {
        assertThat(SlurmExecutor.arraySpec(List.of(0, 1, 2, 3), null)).isEqualTo("0-3");
        assertThat(SlurmExecutor.arraySpec(List.of(7, 0, 1, 3, 8, 9), 2)).isEqualTo("0-1,3,7-9%2");
        assertThat(SlurmExecutor.expand("0-1,3,7-9")).containsExactly(0, 1, 3, 7, 8, 9);
    }

    @Test
    void exitCodesFollowTheShellsConvention() {
        assertThat(SlurmExecutor.parseExitCode("0:0")).isZero();
        assertThat(SlurmExecutor.parseExitCode("7:0")).isEqualTo(7);
        assertThat(SlurmExecutor.parseExitCode("0:9")).isEqualTo(137);
        assertThat(SlurmExecutor.parseExitCode("0:15")).isEqualTo(143);
    }

    @Test
    void wordsAreQuotedForBash() {
        assertThat(SlurmExecutor.quote("/a/b-c.jar")).isEqualTo("/a/b-c.jar");
        assertThat(SlurmExecutor.quote("/runs/mode=fa, x")).isEqualTo("'/runs/mode=fa, x'");
        assertThat(SlurmExecutor.quote("it's")).isEqualTo("'it'\\''s'");
    }

    @Test
    void scontrolLinesGiveEachTasksState() {
        Sweep sweep = new Sweep(Path.of("/s"), new Grid(List.of()), List.of(), 0);
        SlurmExecutor slurm = new SlurmExecutor(sweep);
        assertThat(slurm.parseTask("12", "JobId=14 ArrayJobId=12 ArrayTaskId=2 JobName=x JobState=FAILED "
                + "Reason=NonZeroExitCode ExitCode=7:0 RunTime=00:00:03")).containsOnlyKeys(2)
                .hasEntrySatisfying(2, t -> {
                    assertThat(t.state()).isEqualTo("FAILED");
                    assertThat(t.exitCode()).isEqualTo(7);
                    assertThat(t.taskId()).isEqualTo("12_2");
                    assertThat(t.log()).isEqualTo(Path.of("/s/slurm/12_2.out"));
                });
        assertThat(slurm.parseTask("12", "JobId=12 ArrayJobId=12 ArrayTaskId=3-5,7%2 JobState=PENDING ExitCode=0:0"))
                .containsOnlyKeys(3, 4, 5, 7).allSatisfy((i, t) -> assertThat(t.state()).isEqualTo("PENDING"));
        assertThat(slurm.parseTask("12", "JobId=12 JobName=x JobState=RUNNING")).isEmpty();
    }
}
