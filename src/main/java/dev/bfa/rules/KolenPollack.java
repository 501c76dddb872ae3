package dev.bfa.rules;

/**
 * Kolen–Pollack (Kolen &amp; Pollack 1994; Akrout et al. 2019): feedback matrices start random and
 * receive the same update as the forward weights, W_l's gradient, with the same weight decay on
 * both. The difference B_l - W_l then only decays, so B_l comes to point along W_l without ever
 * being copied from it.
 */
public final class KolenPollack implements LearningRule {
    public static final KolenPollack RULE = new KolenPollack();

    private KolenPollack() {
    }

    @Override
    public String name() {
        return "kp";
    }

    @Override
    public String summary() {
        return "Kolen-Pollack: random feedback matrices that receive the weights' update and decay, aligning with them";
    }

    @Override
    public Feedback feedback() {
        return Feedback.STORED;
    }

    @Override
    public boolean trainsFeedback() {
        return true;
    }
}
