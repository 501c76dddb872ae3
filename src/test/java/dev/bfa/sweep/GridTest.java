package dev.bfa.sweep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GridTest {
    private static Grid grid(String... optionsAndValues) {
        List<Grid.Axis> axes = new java.util.ArrayList<>();
        for (int i = 0; i < optionsAndValues.length; i += 2) {
            axes.add(Grid.parseAxis(optionsAndValues[i], optionsAndValues[i + 1],
                    List.of("--seed", "--steps", "--width").contains(optionsAndValues[i])));
        }
        return new Grid(axes);
    }

    @Test
    void theProductRunsTheFirstOptionOutermostAndNamesCellsByWhatVaries() {
        List<Grid.Cell> cells = grid("--mode", "fa,bp", "--steps", "300", "--seed", "1..3").cells();
        assertThat(cells).extracting(Grid.Cell::name).containsExactly("mode=fa,seed=1", "mode=fa,seed=2",
                "mode=fa,seed=3", "mode=bp,seed=1", "mode=bp,seed=2", "mode=bp,seed=3");
        assertThat(cells).extracting(Grid.Cell::index).containsExactly(0, 1, 2, 3, 4, 5);
        assertThat(cells.get(4).args()).containsExactly("--mode", "bp", "--steps", "300", "--seed", "2");
        assertThat(cells.get(4).values()).containsExactly(Map.entry("mode", "bp"), Map.entry("seed", "2"));
    }

    @Test
    void aGridWithNothingVaryingHasOneCell() {
        assertThat(grid("--steps", "300").cells()).singleElement()
                .satisfies(c -> assertThat(c.name()).isEqualTo(Grid.SINGLE_CELL_NAME));
        assertThat(new Grid(List.of()).cells()).hasSize(1);
    }

    @Test
    void rangesAndListsMix() {
        assertThat(Grid.parseAxis("--seed", "1..3, 7,-2..-1", true).values())
                .containsExactly("1", "2", "3", "7", "-2", "-1");
    }

    @Test
    void badValuesAreRefusedNamingTheOption() {
        assertThatThrownBy(() -> Grid.parseAxis("--seed", "5..1", true))
                .hasMessage("--seed 5..1: the range 5..1 is empty (it ends before it starts)");
        assertThatThrownBy(() -> Grid.parseAxis("--seed", "1..20000", true)).hasMessageContaining("more than 10000");
        assertThatThrownBy(() -> Grid.parseAxis("--seed", "1..x", true))
                .hasMessage("--seed 1..x: '1..x' is not a range of whole numbers a..b");
        assertThatThrownBy(() -> Grid.parseAxis("--forward", "../x", false))
                .hasMessageContaining("a range a..b is for options with whole-number values");
        assertThatThrownBy(() -> Grid.parseAxis("--forward", "a/b", false))
                .hasMessageContaining("the value 'a/b' cannot name a cell's directory");
        assertThatThrownBy(() -> Grid.parseAxis("--lr", " ", false)).hasMessage("--lr: no values (give one, a list a,b,c)");
        assertThatThrownBy(() -> new Grid(List.of(new Grid.Axis("--lr", List.of("1")), new Grid.Axis("--lr",
                List.of("2"))))).hasMessage("--lr is given twice");
    }

    @Test
    void differencesNameEachOption() {
        Grid stored = grid("--mode", "fa,bp", "--seed", "1..2");
        assertThat(stored.differences(grid("--mode", "fa,bp", "--seed", "1..2"))).isEmpty();
        assertThat(grid("--mode", "fa,bp", "--seed", "1..3").differences(stored))
                .containsExactly("--seed 1,2 there, 1,2,3 here");
        assertThat(grid("--mode", "fa,bp").differences(stored)).containsExactly("--seed 1,2 there, not given here");
        assertThat(grid("--seed", "1..2", "--mode", "fa,bp").differences(stored)).singleElement()
                .asString().startsWith("the options in another order");
    }
}
