package dev.bfa.model;

import dev.bfa.kernels.Activation;
import dev.bfa.rules.LearningRule;
import java.util.List;

/** One of the two networks: its layers (views into the model's memory), its learning rule and what it trains. */
public record Network(String name, Architecture architecture, Activation activation, LearningRule rule,
                      List<Layer> layers, List<Parameter> trainedParameters) {
    public Layer layer(int l) {
        return layers.get(l);
    }

    public int layerCount() {
        return layers.size();
    }
}
