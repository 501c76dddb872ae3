/**
 * Learning rules: how a network's error reaches its hidden layers. Each rule is one class behind
 * {@link dev.bfa.rules.LearningRule}; the model asks it which feedback matrices to store and the
 * trainer how to send the error through them. Below the model, above the kernels.
 */
package dev.bfa.rules;
