package dev.bfa.rules;

import dev.bfa.kernels.Kernels;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.text.UserText;
import java.util.List;
import java.util.Optional;

/**
 * How a network's error signal reaches its hidden layers (docs/spec.md, "Learning rules"; why each
 * rule is as it is: docs/design.md, "Learning rules"). With the error D_l at the output of weight
 * layer l (batch x n_{l+1}), every rule computes the error below it,
 * D_{l-1} = centre((D_l · M_l) ⊙ σ'(H_l)), and differs only in the matrix M_l and in whether M_l
 * learns:
 *
 * <pre>
 *   rule  M_l for hidden layer l = 1 .. L-1                      stored        learns
 *   bp    W_l, the layer's own forward weights                   nothing       -
 *   fa    B_l, fixed random (n_{l+1} x n_l)                      B_l           no
 *   kp    B_l, random at first (n_{l+1} x n_l)                   B_l           W_l's update, with decay
 *   sign  scale_l · sign(W_l), derived before each backward pass S_l           -
 *   dfa   none: D_{l-1} = centre((D_{L-1} · B_l) ⊙ σ'(H_l)),     B_1..B_{L-1}  no
 *         B_l classes x n_l, side by side in one stored matrix
 * </pre>
 *
 * Only a rule whose M_l is a stored n_{l+1} x n_l matrix can be coupled: the other network's
 * forward weights of the paired layer take that matrix's place ({@link #whyNotCoupled}).
 * Implementations are stateless singletons; a run picks one for both networks.
 */
public interface LearningRule {
    /**
     * Every rule, in the order help texts list them. A method, not a constant: a constant here would
     * be initialised with the interface, which a rule's own initialisation triggers before its
     * instance exists.
     */
    static List<LearningRule> all() {
        return List.of(Backprop.RULE, FeedbackAlignment.RULE, DirectFeedbackAlignment.RULE, SignSymmetry.RULE,
                KolenPollack.RULE);
    }

    /** What stands in for W_l when layer l (l >= 1) sends its error down. */
    enum Feedback {
        /** W_l itself. */
        OWN_WEIGHTS,
        /** A stored n_{l+1} x n_l matrix, initialised as the weights are. */
        STORED,
        /** A stored n_{l+1} x n_l matrix the rule recomputes from W_l before every backward pass. */
        DERIVED,
        /**
         * No layer-to-layer path: every hidden layer's error is the output error through the layer's
         * own classes x n_l matrix, all of them one stored matrix.
         */
        DIRECT
    }

    /** The name on the command line and in files: "fa", "kp", ... */
    String name();

    /** One line for help texts and reports. */
    String summary();

    Feedback feedback();

    /**
     * Whether a stored feedback matrix receives the same update as its layer's weights (Kolen–Pollack):
     * the weights' gradient, and the weight decay applied to both.
     */
    default boolean trainsFeedback() {
        return false;
    }

    /**
     * Whether the output error goes straight to every hidden layer ({@link Feedback#DIRECT}), the
     * rules whose matrices --dfa-scale sizes.
     */
    default boolean projectsDirectly() {
        return feedback() == Feedback.DIRECT;
    }

    /**
     * For {@link Feedback#DERIVED}: writes layer l's feedback matrix from its weights
     * ({@code weight} and {@code feedback} both n_{l+1} x n_l).
     */
    default void derive(FloatMatrix weight, FloatMatrix feedback, Kernels kernels) {
        throw new UnsupportedOperationException(name() + " derives no feedback matrix");
    }

    /** Why this rule cannot be coupled to another network, or empty when it can. */
    default Optional<String> whyNotCoupled() {
        return feedback() == Feedback.STORED ? Optional.empty()
                : Optional.of("rule " + name() + " has no feedback matrices of its own for the other network's "
                + "weights to replace");
    }

    /** The rule called {@code name} (case and surrounding spaces ignored). */
    static LearningRule parse(String name) {
        return UserText.parseName("rule", name, all().toArray(LearningRule[]::new), LearningRule::name);
    }
}
