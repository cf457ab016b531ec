package dev.lakestream.ops.reconcile;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The 64-bit hash of one row's canonical text, as PostgreSQL computes it server-side: the first 16
 * hex digits of the MD5 of the text's UTF-8 bytes, read as a signed 64-bit integer ({@code
 * ('x'||substr(md5(t),1,16))::bit(64)::bigint}). MD5 is no security measure here, only a hash both
 * sides have built in.
 */
public final class RowHash {

    /** The SQL of {@link #of(String)} over a text expression. */
    public static String sql(String textExpression) {
        return "('x'||substr(md5(" + textExpression + "),1,16))::bit(64)::bigint";
    }

    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private RowHash() {}

    /** The hash of a canonical row text. */
    public static long of(String canonicalText) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("MD5")
                            .digest(canonicalText.getBytes(StandardCharsets.UTF_8));
            long h = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (digest[i] & 0xFF);
            }
            return h;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no MD5", e);
        }
    }

    /** The hash of an MD5 given as 32 hex digits (what PostgreSQL's {@code md5()} returns). */
    public static long ofMd5Hex(String md5Hex) {
        return HexFormat.fromHexDigitsToLong(md5Hex, 0, 16);
    }

    /** A sum PostgreSQL computed exactly (numeric), reduced mod 2^64 as Java's long sums wrap. */
    public static long wrap(java.math.BigDecimal exactSum) {
        return exactSum.toBigIntegerExact().mod(TWO_TO_64).longValue();
    }
}
