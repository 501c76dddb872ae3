package dev.bfa.model;

import dev.bfa.kernels.Activation;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.rules.LearningRule;
import java.util.List;

/**
 * One of the two networks: its layers (views into the model's memory), its learning rule and what it trains.
 *
 * @param directFeedback under a rule that sends the output error straight to the hidden layers, the
 *                       classes x (n_1 + ... + n_{L-1}) matrix of every layer's projection, side by
 *                       side (each layer's feedback is its block); null otherwise
 */
public record Network(String name, Architecture architecture, Activation activation, LearningRule rule,
                      List<Layer> layers, List<Parameter> trainedParameters, FloatMatrix directFeedback) {
    public Layer layer(int l) {
        return layers.get(l);
    }

    public int layerCount() {
        return layers.size();
    }
}
