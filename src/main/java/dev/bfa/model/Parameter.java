package dev.bfa.model;

import dev.bfa.memory.FloatMatrix;

/**
 * One matrix of a model in its storage orientation: its values and, when trained, its gradient
 * and two optimiser slots (momentum's velocity, or Adam's first and second moments).
 * A matrix read by both networks is one Parameter; each network holds views of it.
 *
 * @param owner  the network that trains it ("F" or "R"), or null for a matrix no optimiser updates
 *               (a fixed or a derived feedback matrix)
 * @param decays whether the update shrinks it by the weight decay first (Kolen–Pollack's weights and
 *               feedback matrices)
 */
public record Parameter(String name, String owner, FloatMatrix value, FloatMatrix gradient, FloatMatrix slot1,
                        FloatMatrix slot2, boolean decays) {
}
