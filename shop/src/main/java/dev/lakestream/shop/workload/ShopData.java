package dev.lakestream.shop.workload;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.text.Normalizer;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The vocabulary the generator draws realistic values from: stores, names, products, texts and
 * exchange rates.
 *
 * <p>The data is chosen to exercise a CDC pipeline, not only to look plausible: store time zones
 * span UTC-8 to UTC+10 so that "local day" and "UTC day" disagree for many orders; JPY has no minor
 * unit, so prices with and without cents coexist; names carry diacritics and apostrophes; and one
 * product in ten gets a description long and random enough that PostgreSQL stores it out of line
 * (TOAST), which is what makes unchanged-TOAST updates appear in the change stream.
 */
final class ShopData {

    private ShopData() {}

    record StoreTemplate(
            String code,
            String name,
            String region,
            String city,
            String country,
            String timeZone,
            String currency) {}

    /** The first eight cover UTC-8..UTC+10 and USD, EUR, GBP, JPY and AUD. */
    static final List<StoreTemplate> STORES =
            List.of(
                    new StoreTemplate(
                            "SFO",
                            "Market Street",
                            "us-west",
                            "San Francisco",
                            "US",
                            "America/Los_Angeles",
                            "USD"),
                    new StoreTemplate(
                            "NYC",
                            "Fifth Avenue",
                            "us-east",
                            "New York",
                            "US",
                            "America/New_York",
                            "USD"),
                    new StoreTemplate(
                            "LON", "Covent Garden", "uk", "London", "GB", "Europe/London", "GBP"),
                    new StoreTemplate(
                            "PAR", "Le Marais", "eu-west", "Paris", "FR", "Europe/Paris", "EUR"),
                    new StoreTemplate("TYO", "Shibuya", "apac", "Tokyo", "JP", "Asia/Tokyo", "JPY"),
                    new StoreTemplate(
                            "SYD",
                            "George Street",
                            "apac",
                            "Sydney",
                            "AU",
                            "Australia/Sydney",
                            "AUD"),
                    new StoreTemplate(
                            "CHI",
                            "Magnificent Mile",
                            "us-central",
                            "Chicago",
                            "US",
                            "America/Chicago",
                            "USD"),
                    new StoreTemplate(
                            "BER", "Mitte", "eu-central", "Berlin", "DE", "Europe/Berlin", "EUR"),
                    new StoreTemplate(
                            "DEN",
                            "Larimer Square",
                            "us-mountain",
                            "Denver",
                            "US",
                            "America/Denver",
                            "USD"),
                    new StoreTemplate(
                            "TOR",
                            "Queen Street West",
                            "ca-east",
                            "Toronto",
                            "CA",
                            "America/Toronto",
                            "CAD"),
                    new StoreTemplate(
                            "SIN",
                            "Orchard Road",
                            "apac",
                            "Singapore",
                            "SG",
                            "Asia/Singapore",
                            "SGD"),
                    new StoreTemplate(
                            "HEL",
                            "Kamppi",
                            "eu-north",
                            "Helsinki",
                            "FI",
                            "Europe/Helsinki",
                            "EUR"));

    /** Units of a currency per USD, and its number of minor-unit digits. */
    record Currency(BigDecimal perUsd, int scale) {}

    private static final Map<String, Currency> CURRENCIES =
            Map.of(
                    "USD", new Currency(new BigDecimal("1.00"), 2),
                    "EUR", new Currency(new BigDecimal("0.92"), 2),
                    "GBP", new Currency(new BigDecimal("0.79"), 2),
                    "JPY", new Currency(new BigDecimal("149.50"), 0),
                    "AUD", new Currency(new BigDecimal("1.52"), 2),
                    "CAD", new Currency(new BigDecimal("1.36"), 2),
                    "SGD", new Currency(new BigDecimal("1.34"), 2));

    static Currency currency(String code) {
        return CURRENCIES.getOrDefault(code, CURRENCIES.get("USD"));
    }

    /** A USD list price in a store's currency, rounded to that currency's minor unit. */
    static BigDecimal localPrice(BigDecimal usd, String currencyCode) {
        Currency c = currency(currencyCode);
        return usd.multiply(c.perUsd()).setScale(c.scale(), RoundingMode.HALF_EVEN).setScale(2);
    }

    static final List<String> FIRST_NAMES =
            List.of(
                    "Emma",
                    "Liam",
                    "Olivia",
                    "Noah",
                    "Chloé",
                    "Zoë",
                    "José",
                    "Björn",
                    "Søren",
                    "Łukasz",
                    "Yūki",
                    "Hiroshi",
                    "Aiko",
                    "Mei",
                    "Priya",
                    "Arjun",
                    "Fatima",
                    "Omar",
                    "Ana",
                    "João",
                    "Lucía",
                    "Mateo",
                    "Aoife",
                    "Siobhán",
                    "Jack",
                    "Grace",
                    "Mia",
                    "Lucas",
                    "Élodie",
                    "François",
                    "Ingrid",
                    "Lars",
                    "Matteo",
                    "Giulia",
                    "Nikos",
                    "Eleni",
                    "Kwame",
                    "Amara",
                    "Chen",
                    "Wei");

    static final List<String> LAST_NAMES =
            List.of(
                    "Smith",
                    "Johnson",
                    "García",
                    "Müller",
                    "Martin",
                    "Bernard",
                    "Dubois",
                    "O'Brien",
                    "O'Connor",
                    "Nguyen",
                    "Tanaka",
                    "Suzuki",
                    "Sato",
                    "Kowalski",
                    "Nowak",
                    "Jensen",
                    "Nielsen",
                    "Rossi",
                    "Russo",
                    "Fernández",
                    "Silva",
                    "Santos",
                    "Papadopoulos",
                    "Öztürk",
                    "Kim",
                    "Lee",
                    "Patel",
                    "Singh",
                    "Murphy",
                    "Walsh",
                    "Schmidt",
                    "Schneider",
                    "Lefèvre",
                    "Van der Berg",
                    "De Luca",
                    "Andersson",
                    "Virtanen",
                    "Mensah",
                    "Okafor",
                    "Wang");

    static final List<String> EMAIL_DOMAINS =
            List.of(
                    "example.com",
                    "example.org",
                    "example.net",
                    "mail.example.com",
                    "post.example.org");

    static final List<String> COUNTRIES =
            List.of(
                    "US", "GB", "FR", "DE", "JP", "AU", "CA", "SG", "FI", "ES", "IT", "NL", "BR",
                    "IN", "IE", "PL");

    static final List<String> CATEGORIES =
            List.of(
                    "apparel",
                    "footwear",
                    "home",
                    "kitchen",
                    "electronics",
                    "outdoor",
                    "beauty",
                    "toys",
                    "books",
                    "grocery");

    private static final Map<String, List<String>> NOUNS =
            Map.of(
                    "apparel", List.of("T-Shirt", "Hoodie", "Rain Jacket", "Chinos", "Scarf"),
                    "footwear", List.of("Sneaker", "Trail Shoe", "Loafer", "Sandal", "Boot"),
                    "home", List.of("Throw Pillow", "Lamp", "Rug", "Candle", "Vase"),
                    "kitchen", List.of("Skillet", "Kettle", "Knife Set", "Mug", "Cutting Board"),
                    "electronics",
                            List.of("Headphones", "Charger", "Speaker", "E-Reader", "Webcam"),
                    "outdoor", List.of("Tent", "Backpack", "Water Bottle", "Headlamp", "Hammock"),
                    "beauty", List.of("Face Cream", "Shampoo", "Lip Balm", "Serum", "Soap Bar"),
                    "toys", List.of("Puzzle", "Building Set", "Plush Bear", "Kite", "Board Game"),
                    "books", List.of("Cookbook", "Novel", "Atlas", "Field Guide", "Notebook"),
                    "grocery", List.of("Coffee Beans", "Olive Oil", "Green Tea", "Honey", "Pasta"));

    private static final List<String> ADJECTIVES =
            List.of(
                    "Classic",
                    "Everyday",
                    "Premium",
                    "Compact",
                    "Organic",
                    "Recycled",
                    "Vintage",
                    "Ultralight",
                    "Deluxe",
                    "Nordic",
                    "Urban",
                    "Coastal",
                    "Alpine",
                    "Smart",
                    "Handmade",
                    "Crème");

    static final List<String> ORDER_NOTES =
            List.of(
                    "Please leave at reception",
                    "Gift wrap, no invoice in the parcel",
                    "Call before delivery",
                    "Deliver after 18:00",
                    "Ring twice; the bell is broken",
                    "Customer asked for paper bags only",
                    "Fragile: handle with care",
                    "Pick-up in store by a friend");

    static final List<String> CANCELLATION_REASONS =
            List.of(
                    "cancelled: customer request",
                    "cancelled: payment declined",
                    "cancelled: item out of stock",
                    "cancelled: duplicate order",
                    "cancelled: address could not be verified");

    static <T> T pick(SplittableRandom random, List<T> values) {
        return values.get(random.nextInt(values.size()));
    }

    static String productName(SplittableRandom random, String category) {
        return pick(random, ADJECTIVES) + " " + pick(random, NOUNS.get(category));
    }

    static String sku(long productId, String category) {
        return String.format(
                Locale.ROOT,
                "%s-%06d",
                category.substring(0, 3).toUpperCase(Locale.ROOT),
                productId);
    }

    /** The ASCII form of a name for an e-mail local part: "O'Brien" -> "obrien". */
    static String emailPart(String name) {
        String ascii =
                Normalizer.normalize(name, Normalizer.Form.NFD)
                        .replace('ø', 'o')
                        .replace('Ø', 'O')
                        .replace('ł', 'l')
                        .replace('Ł', 'L')
                        .replaceAll("\\p{M}", "");
        return ascii.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    static String shortDescription(SplittableRandom random, String name, String category) {
        return name
                + ": "
                + pick(
                        random,
                        List.of(
                                "a customer favourite in our " + category + " range.",
                                "built to last, easy to care for.",
                                "new this season; limited stock.",
                                "sustainably sourced and fairly made.",
                                "the everyday essential, now in more colours."));
    }

    private static final String[] SYLLABLES = {
        "ka", "lo", "mi", "ren", "tu", "sa", "vel", "no", "bri", "qua", "zen", "dor", "fi", "gal",
        "hu", "jex", "ko", "lum", "mar", "nix", "op", "pra", "quo", "ris", "sol", "tem", "ul",
        "vor", "wy", "xa", "yel", "zo", "ba", "ce", "di", "ef", "gu", "ha", "io", "ju", "ky", "le",
        "mo", "nu", "ov", "pe", "qi", "ru", "sy", "ta", "ue", "vi", "wo", "xe", "ya", "zu", "ast",
        "bel", "cor", "dra", "eth", "fen", "gor", "hal"
    };

    private static final char[] CODE_CHARS = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789".toCharArray();

    /**
     * A spec-sheet-like text of at least {@code minChars} characters that compresses poorly.
     *
     * <p>PostgreSQL first tries to compress a wide value and moves it out of line only if it is
     * still over about 2 kB, so the text must not shrink much: words are random syllable sequences
     * and every few words carry a random lot code.
     */
    static String longDescription(SplittableRandom random, String name, int minChars) {
        StringBuilder text = new StringBuilder(minChars + 200);
        text.append(name).append(" \u2014 technical data sheet.\n\n");
        while (text.length() < minChars) {
            int words = 6 + random.nextInt(10);
            for (int w = 0; w < words; w++) {
                if (w > 0) {
                    text.append(' ');
                }
                int kind = random.nextInt(10);
                if (kind == 0) {
                    text.append("lot ");
                    for (int c = 0, n = 6 + random.nextInt(5); c < n; c++) {
                        text.append(CODE_CHARS[random.nextInt(CODE_CHARS.length)]);
                    }
                } else if (kind == 1) {
                    text.append(random.nextInt(1000))
                            .append('.')
                            .append(random.nextInt(10))
                            .append(pick(random, List.of(" mm", " g", " ml", " cm", " W")));
                } else {
                    int syllables = 1 + random.nextInt(4);
                    for (int s = 0; s < syllables; s++) {
                        text.append(SYLLABLES[random.nextInt(SYLLABLES.length)]);
                    }
                }
            }
            text.append(random.nextInt(8) == 0 ? ".\n" : ". ");
        }
        return text.toString();
    }
}
