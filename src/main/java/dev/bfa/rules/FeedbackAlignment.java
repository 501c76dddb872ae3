package dev.bfa.rules;

/** Feedback alignment (Lillicrap et al. 2016): fixed random feedback matrices, never updated. */
public final class FeedbackAlignment implements LearningRule {
    public static final FeedbackAlignment RULE = new FeedbackAlignment();

    private FeedbackAlignment() {
    }

    @Override
    public String name() {
        return "fa";
    }

    @Override
    public String summary() {
        return "feedback alignment: the error goes down through fixed random matrices";
    }

    @Override
    public Feedback feedback() {
        return Feedback.STORED;
    }
}
