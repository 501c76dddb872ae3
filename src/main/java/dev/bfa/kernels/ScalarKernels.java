package dev.bfa.kernels;

import dev.bfa.memory.FloatMatrix;

/**
 * The reference kernels: plain loops whose order of floating-point operations is the contract
 * (docs/spec.md, "Order of floating-point operations"). The Panama kernels must reproduce their
 * results to the bit. This class is also the fallback where the Vector API is unavailable, so it
 * stays straightforward rather than fast: single-threaded, one row at a time copied into arrays.
 */
public final class ScalarKernels implements Kernels {

    @Override
    public String name() {
        return "scalar";
    }

    @Override
    public void gemm(FloatMatrix a, FloatMatrix b, FloatMatrix c, boolean accumulate, ComputePool pool) {
        Shapes.checkGemm(a, b, c, pool);
        int m = c.rows();
        int n = c.cols();
        int k = a.cols();
        FloatMatrix bt = b.transpose();
        float[] columnsOfB = new float[n * k];
        for (int j = 0; j < n; j++) {
            bt.copyRowTo(j, columnsOfB, j * k);
        }
        float[] rowOfA = new float[k];
        float[] rowOfC = new float[n];
        for (int i = 0; i < m; i++) {
            a.copyRowTo(i, rowOfA, 0);
            c.copyRowTo(i, rowOfC, 0);
            for (int j = 0; j < n; j++) {
                float acc = accumulate ? rowOfC[j] : 0f;
                int column = j * k;
                for (int p = 0; p < k; p++) {
                    acc = Math.fma(rowOfA[p], columnsOfB[column + p], acc);
                }
                c.set(i, j, acc);
            }
        }
    }

    @Override
    public void biasCenterActivate(FloatMatrix z, FloatMatrix bias, Activation activation, FloatMatrix out) {
        Shapes.checkRowOp(z, bias, out);
        int n = z.cols();
        float[] t = new float[n];
        for (int i = 0; i < z.rows(); i++) {
            for (int j = 0; j < n; j++) {
                t[j] = z.get(i, j) + bias.get(0, j);
            }
            float mean = stripedSum(t, n) / n;
            for (int j = 0; j < n; j++) {
                out.set(i, j, activation.apply(t[j] - mean));
            }
        }
    }

    @Override
    public void addBias(FloatMatrix z, FloatMatrix bias) {
        Shapes.checkRowOp(z, bias, z);
        for (int i = 0; i < z.rows(); i++) {
            for (int j = 0; j < z.cols(); j++) {
                z.set(i, j, z.get(i, j) + bias.get(0, j));
            }
        }
    }

    @Override
    public void activationBackwardCenter(FloatMatrix incoming, FloatMatrix h, Activation activation, FloatMatrix out) {
        Shapes.checkSameShape(incoming, h, out);
        int n = incoming.cols();
        float[] e = new float[n];
        for (int i = 0; i < incoming.rows(); i++) {
            for (int j = 0; j < n; j++) {
                e[j] = incoming.get(i, j) * activation.derivativeFromOutput(h.get(i, j));
            }
            float mean = stripedSum(e, n) / n;
            for (int j = 0; j < n; j++) {
                out.set(i, j, e[j] - mean);
            }
        }
    }

    @Override
    public double softmaxCrossEntropy(FloatMatrix logits, int[] labels, FloatMatrix grad) {
        Shapes.checkSoftmax(logits, labels, grad);
        int rows = logits.rows();
        int n = logits.cols();
        float batch = rows;
        float[] e = new float[n];
        double loss = 0;
        for (int i = 0; i < rows; i++) {
            float max = logits.get(i, 0);
            for (int j = 1; j < n; j++) {
                max = Math.max(max, logits.get(i, j));
            }
            float target = logits.get(i, labels[i]);
            for (int j = 0; j < n; j++) {
                e[j] = FloatMath.exp(logits.get(i, j) - max);
            }
            float sum = stripedSum(e, n);
            loss += StrictMath.log(sum) - ((double) target - max);
            for (int j = 0; j < n; j++) {
                float q = e[j] / sum;
                grad.set(i, j, (j == labels[i] ? q - 1f : q) / batch);
            }
        }
        return loss / rows;
    }

    @Override
    public void columnSums(FloatMatrix d, FloatMatrix out) {
        Shapes.checkColumnSums(d, out);
        for (int j = 0; j < d.cols(); j++) {
            float sum = 0f;
            for (int i = 0; i < d.rows(); i++) {
                sum += d.get(i, j);
            }
            out.set(0, j, sum);
        }
    }

    @Override
    public void sgdMomentumUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix velocity, float learningRate,
                                  float momentum) {
        Shapes.checkSameShape(param, grad, velocity);
        for (int i = 0; i < param.rows(); i++) {
            for (int j = 0; j < param.cols(); j++) {
                float v = Math.fma(momentum, velocity.get(i, j), grad.get(i, j));
                velocity.set(i, j, v);
                param.set(i, j, Math.fma(-learningRate, v, param.get(i, j)));
            }
        }
    }

    @Override
    public void adamUpdate(FloatMatrix param, FloatMatrix grad, FloatMatrix m, FloatMatrix v, AdamStep s) {
        Shapes.checkSameShape(param, grad, m);
        Shapes.checkSameShape(param, grad, v);
        for (int i = 0; i < param.rows(); i++) {
            for (int j = 0; j < param.cols(); j++) {
                float g = grad.get(i, j);
                float mi = Math.fma(s.beta1(), m.get(i, j), s.oneMinusBeta1() * g);
                float vi = Math.fma(s.beta2(), v.get(i, j), (s.oneMinusBeta2() * g) * g);
                m.set(i, j, mi);
                v.set(i, j, vi);
                float step = (mi * s.biasCorrection1()) / ((float) Math.sqrt(vi * s.biasCorrection2()) + s.epsilon());
                param.set(i, j, Math.fma(-s.learningRate(), step, param.get(i, j)));
            }
        }
    }

    @Override
    public void scale(FloatMatrix m, float factor) {
        Shapes.checkSameShape(m, m, m);
        for (int i = 0; i < m.rows(); i++) {
            for (int j = 0; j < m.cols(); j++) {
                m.set(i, j, m.get(i, j) * factor);
            }
        }
    }

    @Override
    public void signTimes(FloatMatrix w, float magnitude, FloatMatrix out) {
        Shapes.checkSameShape(w, out, out);
        for (int i = 0; i < w.rows(); i++) {
            for (int j = 0; j < w.cols(); j++) {
                float x = w.get(i, j);
                out.set(i, j, x > 0 ? magnitude : x < 0 ? -magnitude : 0f);
            }
        }
    }

    @Override
    public double dot(FloatMatrix a, FloatMatrix b) {
        Shapes.checkSameShape(a, b, a);
        double[] partials = new double[StripedSum.STRIPES];
        for (int i = 0; i < a.rows(); i++) {
            for (int j = 0; j < a.cols(); j++) {
                partials[j % StripedSum.STRIPES] += (double) a.get(i, j) * b.get(i, j);
            }
        }
        return StripedSum.combine(partials);
    }

    /** The striped sum of {@code values[0 .. n)}. */
    static float stripedSum(float[] values, int n) {
        float[] partials = new float[StripedSum.STRIPES];
        for (int j = 0; j < n; j++) {
            partials[j % StripedSum.STRIPES] += values[j];
        }
        return StripedSum.combine(partials);
    }
}
