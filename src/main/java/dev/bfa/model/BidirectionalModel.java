package dev.bfa.model;

import dev.bfa.kernels.Activation;
import dev.bfa.memory.FloatMatrix;
import dev.bfa.rules.LearningRule;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * The forward network F and the reverse network R with the learning rule and the coupling of a {@link Mode}.
 *
 * <p>Memory: every parameter value (weights, biases, fixed feedback matrices) is a slice of one
 * segment, {@link #parameterMemory()}; gradients and optimiser slots are slices of a second one.
 * A coupled matrix exists once: F's feedback F^F_l is the stored matrix, R's forward weights
 * W^R_j (j = L-1-l) are its transposed view, R's gradient view writes into the stored matrix's
 * gradient in F's orientation. In {@code coupled-both}, R's feedback F^R_j is the transposed view
 * of F's forward weights W^F_l. Nothing is ever copied between the networks.
 */
public final class BidirectionalModel implements AutoCloseable {
    /** Name of the generator algorithm: specified by the JDK, so a seed means the same numbers everywhere. */
    public static final String RANDOM_ALGORITHM = "L64X128MixRandom";

    private final ModelSpec spec;
    private final Arena arena;
    private final MemorySegment parameterMemory;
    private final MemorySegment stateMemory;
    private final Map<String, Parameter> parameters;
    private final Network forward;
    private final Network reverse;

    /** What a model is: its coupling, both architectures, the activation and the seed. */
    public record ModelSpec(Mode mode, Architecture forward, Architecture reverse, Activation activation, long seed,
                            float directFeedbackScale) {
        /** A model whose direct feedback matrices, if its rule has them, are drawn at the default scale, 1. */
        public ModelSpec(Mode mode, Architecture forward, Architecture reverse, Activation activation, long seed) {
            this(mode, forward, reverse, activation, seed, 1f);
        }

        public ModelSpec {
            checkDirectFeedbackScale(mode, directFeedbackScale);
            if (forward.width() != reverse.width() || forward.depth() != reverse.depth()) {
                throw new IllegalArgumentException("F (" + forward.width() + " x " + forward.depth() + ") and R ("
                        + reverse.width() + " x " + reverse.depth() + ") must have the same width and depth");
            }
            if (forward.depth() < mode.minimumDepth()) {
                throw new IllegalArgumentException("mode " + mode + " couples hidden-to-hidden layers and needs depth "
                        + ">= " + mode.minimumDepth() + ", got " + forward.depth());
            }
        }

        /**
         * Refuses a direct feedback scale that is not positive and finite, or not 1 under a rule without
         * direct feedback matrices.
         */
        public static void checkDirectFeedbackScale(Mode mode, float scale) {
            if (!(scale > 0) || !Float.isFinite(scale)) {
                throw new IllegalArgumentException("direct feedback scale " + scale + " must be positive and finite");
            }
            if (scale != 1f && !mode.rule().projectsDirectly()) {
                throw new IllegalArgumentException("direct feedback scale " + scale + " applies to rule dfa only, not "
                        + "to mode " + mode);
            }
        }

        public int layers() {
            return forward.layers();
        }

        /** R's layer paired with F's layer {@code l} (and vice versa): L-1-l. */
        int pairedLayer(int l) {
            return layers() - 1 - l;
        }

        /** Whether F's hidden-to-hidden layer {@code l} has its feedback matrix shared with R. */
        boolean isShared(int l) {
            return mode.sharesFeedbackOfF() && isHiddenToHidden(l);
        }

        boolean isHiddenToHidden(int l) {
            return l >= 1 && l <= layers() - 2;
        }

        /** Whether F stores a feedback matrix of its own for layer l >= 1. */
        boolean storesFeedbackOfF(int l) {
            return storesFeedback() && !isShared(l);
        }

        /** Whether R stores a feedback matrix of its own for layer j >= 1. */
        boolean storesFeedbackOfR(int j) {
            return storesFeedback() && !isReverseFeedbackShared(j);
        }

        /** Whether R's feedback of layer j is F's forward weights of the paired layer. */
        boolean isReverseFeedbackShared(int j) {
            return mode.sharesFeedbackOfR() && isHiddenToHidden(j);
        }

        /** Whether the rule keeps a matrix per layer in the layer's shape (not W itself, not one direct matrix). */
        private boolean storesFeedback() {
            LearningRule.Feedback feedback = mode.rule().feedback();
            return feedback == LearningRule.Feedback.STORED || feedback == LearningRule.Feedback.DERIVED;
        }

        boolean projectsDirectly() {
            return mode.rule().projectsDirectly();
        }
    }

    /**
     * The off-heap bytes a model allocates: its parameter values, and its gradients and optimiser
     * slots (three matrices per trained parameter).
     */
    public record MemoryNeed(long parameterBytes, long stateBytes) {
        public long total() {
            return parameterBytes + stateBytes;
        }
    }

    /**
     * {@code zero}: starts at 0 instead of a random draw; {@code storedTransposed}: the owner reads the
     * matrix through a transposed view; {@code decays}: see {@link Parameter#decays}; {@code fanIn} and
     * {@code scale}: the draw is uniform in ±scale/sqrt(fanIn).
     */
    private record MatrixSpec(String name, String owner, int rows, int cols, boolean zero, boolean storedTransposed,
                              boolean decays, int fanIn, double scale) {
        /** A matrix drawn with the fan-in of its owner's view: the columns as the owner reads them. */
        MatrixSpec(String name, String owner, int rows, int cols, boolean zero, boolean storedTransposed,
                   boolean decays) {
            this(name, owner, rows, cols, zero, storedTransposed, decays, storedTransposed ? rows : cols, 1.0);
        }
    }

    private BidirectionalModel(ModelSpec spec) {
        this.spec = spec;
        List<MatrixSpec> specs = matrices(spec);
        MemoryNeed need = memoryNeed(specs);
        arena = Arena.ofShared();
        parameterMemory = arena.allocate(need.parameterBytes(), FloatMatrix.ALIGNMENT);
        stateMemory = arena.allocate(Math.max(need.stateBytes(), 1), FloatMatrix.ALIGNMENT);
        SegmentAllocator values = SegmentAllocator.slicingAllocator(parameterMemory);
        SegmentAllocator states = SegmentAllocator.slicingAllocator(stateMemory);
        parameters = new LinkedHashMap<>();
        for (MatrixSpec s : specs) {
            FloatMatrix value = FloatMatrix.allocate(values, s.rows(), s.cols());
            Parameter p = s.owner() == null
                    ? new Parameter(s.name(), null, value, null, null, null, false)
                    : new Parameter(s.name(), s.owner(), value, FloatMatrix.allocate(states, s.rows(), s.cols()),
                    FloatMatrix.allocate(states, s.rows(), s.cols()), FloatMatrix.allocate(states, s.rows(), s.cols()),
                    s.decays());
            parameters.put(s.name(), p);
        }
        initialise(specs);
        forward = buildForward();
        reverse = buildReverse();
    }

    /** Every matrix of a model of {@code spec}, in memory order. */
    private static List<MatrixSpec> matrices(ModelSpec spec) {
        int layers = spec.layers();
        boolean decays = spec.mode().rule().trainsFeedback();
        List<MatrixSpec> specs = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            specs.add(weightSpec("F", spec.forward(), l, decays));
            specs.add(new MatrixSpec(biasName("F", l), "F", 1, spec.forward().levelSize(l + 1), true, false, false));
        }
        for (int j = 0; j < layers; j++) {
            specs.add(spec.isShared(spec.pairedLayer(j))
                    // Stored in F's orientation: F reads it as its feedback, R as its transposed view.
                    ? new MatrixSpec(weightName("R", j), "R", spec.reverse().levelSize(j), spec.reverse().levelSize(j + 1),
                    false, true, decays)
                    : weightSpec("R", spec.reverse(), j, decays));
            specs.add(new MatrixSpec(biasName("R", j), "R", 1, spec.reverse().levelSize(j + 1), true, false, false));
        }
        for (int l = 1; l < layers; l++) {
            if (spec.storesFeedbackOfF(l)) {
                specs.add(feedbackSpec("F", spec, l));
            }
        }
        for (int j = 1; j < layers; j++) {
            if (spec.storesFeedbackOfR(j)) {
                specs.add(feedbackSpec("R", spec, j));
            }
        }
        if (spec.projectsDirectly()) {
            specs.add(directFeedbackSpec("F", spec.forward(), spec.directFeedbackScale()));
            specs.add(directFeedbackSpec("R", spec.reverse(), spec.directFeedbackScale()));
        }
        return specs;
    }

    /**
     * What a model of {@code spec} would allocate, computed from the shapes alone (nothing is allocated).
     *
     * @throws ArithmeticException if the size does not fit in a long
     */
    public static MemoryNeed memoryNeed(ModelSpec spec) {
        return memoryNeed(matrices(spec));
    }

    private static MemoryNeed memoryNeed(List<MatrixSpec> specs) {
        long valueBytes = 0;
        long stateBytes = 0;
        for (MatrixSpec s : specs) {
            long bytes = FloatMatrix.bytesFor(s.rows(), s.cols());
            valueBytes = Math.addExact(valueBytes, bytes);
            stateBytes = Math.addExact(stateBytes, s.owner() == null ? 0 : Math.multiplyExact(3, bytes));
        }
        return new MemoryNeed(valueBytes, stateBytes);
    }

    /** Allocates and initialises a model. Close it to release its memory. */
    public static BidirectionalModel create(ModelSpec spec) {
        return new BidirectionalModel(spec);
    }

    private static MatrixSpec weightSpec(String network, Architecture a, int l, boolean decays) {
        return new MatrixSpec(weightName(network, l), network, a.levelSize(l + 1), a.levelSize(l), false, false, decays);
    }

    /**
     * A network's own feedback matrix of layer l, in the layer's shape: B (fixed, or trained by the
     * network under Kolen–Pollack, so kp and fa start from the same draw) or S (derived from the
     * weights before it is read, so it starts at 0).
     */
    private static MatrixSpec feedbackSpec(String network, ModelSpec spec, int l) {
        LearningRule rule = spec.mode().rule();
        Architecture a = network.equals("F") ? spec.forward() : spec.reverse();
        boolean derived = rule.feedback() == LearningRule.Feedback.DERIVED;
        return new MatrixSpec(feedbackName(network, l, rule), rule.trainsFeedback() ? network : null,
                a.levelSize(l + 1), a.levelSize(l), derived, false, rule.trainsFeedback());
    }

    /**
     * The side-by-side projections of a direct rule, classes x (n_1 + ... + n_{L-1}), each block drawn
     * as fa's B_{L-1} times {@code scale}.
     */
    private static MatrixSpec directFeedbackSpec(String network, Architecture a, double scale) {
        return new MatrixSpec(directFeedbackName(network), null, a.classes(), directFeedbackColumn(a, a.layers()),
                false, false, false, a.width(), scale);
    }

    private static String directFeedbackName(String network) {
        return network + ".D";
    }

    /** The first column of layer l's block in the direct matrix: n_1 + ... + n_{l-1}. */
    private static int directFeedbackColumn(Architecture a, int l) {
        int column = 0;
        for (int level = 1; level < l; level++) {
            column += a.levelSize(level);
        }
        return column;
    }

    private static String feedbackName(String network, int l, LearningRule rule) {
        return network + (rule.feedback() == LearningRule.Feedback.DERIVED ? ".S" : ".B") + l;
    }

    static String weightName(String network, int l) {
        return network + ".W" + l;
    }

    static String biasName(String network, int l) {
        return network + ".b" + l;
    }

    /** R's layer paired with F's layer {@code l} (and vice versa): L-1-l. */
    public int pairedLayer(int l) {
        return spec.pairedLayer(l);
    }

    /**
     * Weights and fixed feedback: uniform in [-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in being the
     * columns of the matrix as its owner reads it. Each matrix draws from its own generator,
     * seeded from the model seed and the matrix's name, so a matrix starts the same in every mode.
     * Biases start at zero.
     */
    private void initialise(List<MatrixSpec> specs) {
        for (MatrixSpec s : specs) {
            if (s.zero()) {
                continue;
            }
            Parameter p = parameters.get(s.name());
            FloatMatrix logical = s.storedTransposed() ? p.value().transpose() : p.value();
            float bound = (float) (s.scale() / Math.sqrt(s.fanIn()));
            RandomGenerator random = generatorFor(spec.seed(), s.name());
            float[] values = new float[logical.rows() * logical.cols()];
            for (int i = 0; i < values.length; i++) {
                values[i] = uniform(random) * bound;
            }
            logical.copyFrom(values);
        }
    }

    /** A float uniform in [-1, 1) from the top 24 bits of one 32-bit draw: exact and portable. */
    static float uniform(RandomGenerator random) {
        return (random.nextInt() >>> 8) * 0x1.0p-23f - 1f;
    }

    /** The generator for one named matrix (or any named stream) of a run with {@code seed}. */
    public static RandomGenerator generatorFor(long seed, String name) {
        long hash = 0xcbf29ce484222325L;
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
        }
        return RandomGeneratorFactory.of(RANDOM_ALGORITHM).create(seed * 0x9E3779B97F4A7C15L ^ hash);
    }

    /*
     * Both builders follow the step's order: F's backward pass runs before R's, so where both
     * networks train one matrix (Kolen–Pollack coupled), F's gradient is written first and R's
     * layer adds to it.
     */
    private Network buildForward() {
        List<Layer> layers = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            Parameter w = parameters.get(weightName("F", l));
            Parameter b = parameters.get(biasName("F", l));
            FloatMatrix feedback = null;
            FloatMatrix feedbackGradient = null;
            String source = "none (input layer)";
            if (l >= 1 && spec.projectsDirectly()) {
                feedback = directFeedbackBlock("F", spec.forward(), l);
                source = ownFeedbackSource(l);
            } else if (l >= 1) {
                Parameter stored = spec.isShared(l) ? parameters.get(weightName("R", pairedLayer(l)))
                        : parameters.get(feedbackName("F", l, spec.mode().rule()));
                feedback = stored == null ? w.value() : stored.value();
                source = spec.isShared(l) ? "R.W" + pairedLayer(l) + " (shared, trained by R)" : ownFeedbackSource(l);
                feedbackGradient = spec.mode().rule().trainsFeedback() ? stored.gradient() : null;
            }
            layers.add(new Layer(l, w.value(), w.gradient(), b.value(), b.gradient(), feedback, source,
                    feedbackGradient, Layer.Accumulation.NONE));
        }
        return new Network("F", spec.forward(), spec.activation(), spec.mode().rule(), List.copyOf(layers), ownedBy("F"),
                directFeedback("F"));
    }

    /** Layer l's block of a network's direct matrix: classes x n_l. */
    private FloatMatrix directFeedbackBlock(String network, Architecture a, int l) {
        return parameters.get(directFeedbackName(network)).value()
                .block(0, directFeedbackColumn(a, l), a.classes(), a.levelSize(l));
    }

    private FloatMatrix directFeedback(String network) {
        Parameter direct = parameters.get(directFeedbackName(network));
        return direct == null ? null : direct.value();
    }

    private String ownFeedbackSource(int l) {
        LearningRule rule = spec.mode().rule();
        return switch (rule.feedback()) {
            case OWN_WEIGHTS -> "W" + l + " (backprop)";
            case STORED -> rule.trainsFeedback() ? "random, trained (Kolen-Pollack)" : "fixed random";
            case DERIVED -> "derived from W" + l + " (" + rule.name() + ")";
            case DIRECT -> "fixed random, from the output error (" + rule.name() + ")";
        };
    }

    private Network buildReverse() {
        List<Layer> layers = new ArrayList<>();
        for (int j = 0; j < spec.layers(); j++) {
            Parameter w = parameters.get(weightName("R", j));
            Parameter b = parameters.get(biasName("R", j));
            boolean shared = spec.isShared(pairedLayer(j));
            FloatMatrix weight = shared ? w.value().transpose() : w.value();
            FloatMatrix gradient = shared ? w.gradient().transpose() : w.gradient();
            boolean trainsFeedback = spec.mode().rule().trainsFeedback();
            FloatMatrix feedback = null;
            FloatMatrix feedbackGradient = null;
            String source = "none (input layer)";
            boolean feedbackShared = spec.isReverseFeedbackShared(j);
            if (j >= 1 && spec.projectsDirectly()) {
                feedback = directFeedbackBlock("R", spec.reverse(), j);
                source = ownFeedbackSource(j);
            } else if (j >= 1) {
                if (feedbackShared) {
                    Parameter forwardWeight = parameters.get(weightName("F", pairedLayer(j)));
                    feedback = forwardWeight.value().transpose();
                    feedbackGradient = trainsFeedback ? forwardWeight.gradient().transpose() : null;
                    source = "F.W" + pairedLayer(j) + "ᵀ (shared, trained by F)";
                } else {
                    Parameter stored = parameters.get(feedbackName("R", j, spec.mode().rule()));
                    feedback = stored == null ? weight : stored.value();
                    feedbackGradient = trainsFeedback ? stored.gradient() : null;
                    source = ownFeedbackSource(j);
                }
            }
            Layer.Accumulation accumulates = new Layer.Accumulation(trainsFeedback && shared,
                    trainsFeedback && feedbackShared);
            layers.add(new Layer(j, weight, gradient, b.value(), b.gradient(), feedback, source, feedbackGradient,
                    accumulates));
        }
        return new Network("R", spec.reverse(), spec.activation(), spec.mode().rule(), List.copyOf(layers), ownedBy("R"),
                directFeedback("R"));
    }

    private List<Parameter> ownedBy(String network) {
        return parameters.values().stream().filter(p -> network.equals(p.owner())).toList();
    }

    public ModelSpec spec() {
        return spec;
    }

    public Mode mode() {
        return spec.mode();
    }

    public Network forward() {
        return forward;
    }

    public Network reverse() {
        return reverse;
    }

    /** Every matrix, in a fixed order (the checkpoint order). */
    public List<Parameter> parameters() {
        return List.copyOf(parameters.values());
    }

    public Parameter parameter(String name) {
        Parameter p = parameters.get(name);
        if (p == null) {
            throw new IllegalArgumentException("no parameter " + name);
        }
        return p;
    }

    /** The one segment holding every parameter value. */
    public MemorySegment parameterMemory() {
        return parameterMemory;
    }

    /** The segment holding gradients and optimiser slots. */
    public MemorySegment stateMemory() {
        return stateMemory;
    }

    /**
     * The hidden-to-hidden layer pairs (F's layer l, R's layer L-1-l) for l = 1 .. L-2, whose
     * forward weights are compared by cosine (docs/spec.md, "Evaluation and diagnostics").
     */
    public List<Integer> pairedLayersOfF() {
        List<Integer> pairs = new ArrayList<>();
        for (int l = 1; l <= spec.layers() - 2; l++) {
            pairs.add(l);
        }
        return pairs;
    }

    @Override
    public void close() {
        arena.close();
    }
}
