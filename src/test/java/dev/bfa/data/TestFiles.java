package dev.bfa.data;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/** Builders of small data files in the exact on-disk formats. */
public final class TestFiles {
    private TestFiles() {
    }

    public static byte[] idxImages(int magic, long count, long rows, long cols, byte[] pixels) {
        ByteBuffer b = ByteBuffer.allocate(16 + pixels.length);
        b.putInt(magic).putInt((int) count).putInt((int) rows).putInt((int) cols).put(pixels);
        return b.array();
    }

    public static byte[] idxImages(int count, int rows, int cols, byte[] pixels) {
        return idxImages(IdxReader.IMAGES_MAGIC, count, rows, cols, pixels);
    }

    public static byte[] idxLabels(int magic, long count, byte[] labels) {
        ByteBuffer b = ByteBuffer.allocate(8 + labels.length);
        b.putInt(magic).putInt((int) count).put(labels);
        return b.array();
    }

    public static byte[] idxLabels(byte[] labels) {
        return idxLabels(IdxReader.LABELS_MAGIC, labels.length, labels);
    }

    public static byte[] gzip(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Deterministic pseudo-random pixel bytes covering all 256 values. */
    public static byte[] pixels(int n, int salt) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) {
            p[i] = (byte) (i * 37 + salt * 101 + (i >> 3) * 13);
        }
        return p;
    }

    public static byte[] labels(int n, int classes) {
        byte[] l = new byte[n];
        for (int i = 0; i < n; i++) {
            l[i] = (byte) ((i * 7 + 3) % classes);
        }
        return l;
    }

    /** CIFAR-10 binary records: label, then 3072 pixels, for each example. */
    public static byte[] cifar(byte[] labels, byte[] pixels) {
        int p = Cifar10Reader.PIXELS;
        byte[] out = new byte[labels.length * (p + 1)];
        for (int i = 0; i < labels.length; i++) {
            out[i * (p + 1)] = labels[i];
            System.arraycopy(pixels, i * p, out, i * (p + 1) + 1, p);
        }
        return out;
    }

    /**
     * Tiny MNIST and Fashion-MNIST directories under {@code dataDir}, in the original file names
     * (one test set gzipped): {@code train} and {@code test} 28x28 examples each, different pixels
     * per dataset. Enough for a run of the CLI end to end in milliseconds.
     */
    public static void writeTinyMnistPair(Path dataDir, int train, int test) {
        for (String name : new String[] {"mnist", "fashion-mnist"}) {
            Path dir = dataDir.resolve(name);
            int salt = name.length();
            write(dir.resolve("train-images-idx3-ubyte"), idxImages(train, 28, 28, pixels(train * 784, salt)));
            write(dir.resolve("train-labels-idx1-ubyte"), idxLabels(labels(train, 10)));
            write(dir.resolve("t10k-images-idx3-ubyte.gz"),
                    gzip(idxImages(test, 28, 28, pixels(test * 784, salt + 1))));
            write(dir.resolve("t10k-labels-idx1-ubyte"), idxLabels(labels(test, 10)));
        }
    }

    public static Path write(Path file, byte[] content) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            return Files.write(file, content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A ustar archive of regular files (names up to 100 bytes) and directories (ending in "/"), in map order. */
    public static byte[] tar(Map<String, byte[]> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.forEach((name, data) -> out.writeBytes(tarMember(name, name.endsWith("/") ? '5' : '0', data)));
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /**
     * A ustar archive of one pax extended header holding {@code records} byte for byte (made with
     * {@link #paxRecord} or malformed by hand), then the regular file {@code name}.
     */
    public static byte[] paxTar(String records, String name, byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(tarMember("PaxHeaders/" + name, 'x', records.getBytes(StandardCharsets.UTF_8)));
        out.writeBytes(tarMember(name, '0', data));
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** One pax record, {@code "<length> <key>=<value>\n"}, its length counting its own digits. */
    public static String paxRecord(String key, String value) {
        int rest = (" " + key + "=" + value + "\n").getBytes(StandardCharsets.UTF_8).length;
        int length = rest + String.valueOf(rest).length();
        if (String.valueOf(length).length() != String.valueOf(rest).length()) {
            length++;
        }
        return length + " " + key + "=" + value + "\n";
    }

    /** One member: a ustar header block with its checksum, then {@code data} padded to whole blocks. */
    private static byte[] tarMember(String name, char type, byte[] data) {
        byte[] h = new byte[512];
        put(h, 0, name);
        put(h, 100, type == '5' ? "0000755" : "0000644");
        put(h, 108, "0001750");
        put(h, 116, "0001750");
        put(h, 124, String.format("%011o", data.length));
        put(h, 136, String.format("%011o", 1_400_000_000L));
        h[156] = (byte) type;
        put(h, 257, "ustar");
        h[262] = 0;
        put(h, 263, "00");
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        long sum = 0;
        for (byte x : h) {
            sum += x & 0xFF;
        }
        put(h, 148, String.format("%06o", sum));
        h[154] = 0;
        h[155] = ' ';
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h);
        out.writeBytes(data);
        out.writeBytes(new byte[(512 - data.length % 512) % 512]);
        return out.toByteArray();
    }

    private static void put(byte[] h, int offset, String s) {
        byte[] b = s.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, offset, b.length);
    }
}
