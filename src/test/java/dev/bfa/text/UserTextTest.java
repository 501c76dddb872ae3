package dev.bfa.text;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class UserTextTest {
    @Test
    void plainTextIsQuotedUnchanged() {
        assertThat(UserText.quote("sideways")).isEqualTo("'sideways'");
        assertThat(UserText.quote("")).isEqualTo("''");
        assertThat(UserText.quote("é ü ß 中 \uD83D\uDE00 a/b")).isEqualTo("'é ü ß 中 \uD83D\uDE00 a/b'");
    }

    @Test
    void parseNameIgnoresCaseAndBlanksAndNamesTheChoices() {
        String[] names = {"relu", "tanh"};
        assertThat(UserText.parseName("activation", " TanH ", names, n -> n)).isEqualTo("tanh");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> UserText.parseName("activation", "ge\nlu", names, n -> n))
                .hasMessage("unknown activation 'ge\\nlu': expected one of relu, tanh");
    }

    @Test
    void nullIsNamedNotQuoted() {
        assertThat(UserText.quote(null)).isEqualTo("(none)");
    }

    @Test
    void lineBreaksAndControlsAreEscaped() {
        // The config value from the Jazzer finding: backslashes, then a line break inside the name.
        assertThat(UserText.quote("fa/jazzer-trave\\\\\nsal")).isEqualTo("'fa/jazzer-trave\\\\\\\\\\nsal'");
        // A backslash is doubled, so a user's own "\n" (two characters) differs from a line break.
        assertThat(UserText.escape("a\\nb")).isEqualTo("a\\\\nb");
        assertThat(UserText.escape("a\r\tb\u0000c\u001Bd\u007Fe\u0085f"))
                .isEqualTo("a\\r\\tb\\u0000c\\u001Bd\\u007Fe\\u0085f");
    }

    @Test
    void separatorsFormatCharactersAndLoneSurrogatesAreEscaped() {
        assertThat(UserText.escape("x\u2028y\u2029z")).isEqualTo("x\\u2028y\\u2029z");
        assertThat(UserText.escape("\u202Eevil\u200B")).isEqualTo("\\u202Eevil\\u200B");
        assertThat(UserText.escape("\uD800a\uDC00")).isEqualTo("\\uD800a\\uDC00");
        // A supplementary code point that is not printable (a tag character) becomes its two units.
        assertThat(UserText.escape("\uDB40\uDC01")).isEqualTo("\\uDB40\\uDC01");
    }

    @Test
    void longValuesAreCutAfterTheLimit() {
        String exact = "x".repeat(UserText.MAX_SHOWN);
        assertThat(UserText.escape(exact)).isEqualTo(exact);
        assertThat(UserText.escape(exact + "y")).isEqualTo(exact + "...");
        // The limit counts code points, so a surrogate pair is never split.
        String emoji = "\uD83D\uDE00".repeat(UserText.MAX_SHOWN + 1);
        assertThat(UserText.escape(emoji)).isEqualTo("\uD83D\uDE00".repeat(UserText.MAX_SHOWN) + "...");
    }

    @Test
    void everyCodePointIsShownOnOneLineWithoutControlOrFormatCharacters() {
        for (int codePoint = 0; codePoint <= Character.MAX_CODE_POINT; codePoint++) {
            String shown = UserText.escape(new String(Character.toChars(codePoint)));
            boolean clean = shown.codePoints().noneMatch(c -> Character.isISOControl(c)
                    || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR
                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR);
            if (!clean || shown.lines().count() != 1) {
                throw new AssertionError("U+" + Integer.toHexString(codePoint) + " is shown as " + shown);
            }
        }
    }

    @Test
    void formatsSizes() {
        assertThat(UserText.bytes(512)).isEqualTo("512 B");
        assertThat(UserText.bytes(3L << 30)).isEqualTo("3.0 GiB");
        assertThat(UserText.bytes(Long.MAX_VALUE)).isEqualTo("unlimited");
    }

    @Test
    void aFailedFileOperationIsShownByItsReasonWithoutThePath() {
        assertThat(UserText.reason(new java.nio.file.FileSystemException("/x/model.ckpt.tmp", null,
                "No space left on device"))).isEqualTo("No space left on device");
        assertThat(UserText.reason(new java.nio.file.AccessDeniedException("/x"))).isEqualTo("permission denied");
        assertThat(UserText.reason(new java.io.IOException("Input/output error"))).isEqualTo("Input/output error");
    }
}
