package dev.lakestream.jobs.ingestion;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.util.Base64;
import java.util.List;

/**
 * A self-signed server certificate for 127.0.0.1 and localhost, made at test time with the JDK's
 * keytool (nothing is committed): the certificate and its PKCS#8 key as PEM files, the form
 * PostgreSQL's {@code ssl_cert_file} / {@code ssl_key_file} and pgjdbc's {@code sslrootcert} read.
 */
record TestCertificates(Path certificate, Path key) {

    static TestCertificates create(Path dir, String name) throws Exception {
        Files.createDirectories(dir);
        Path store = dir.resolve(name + ".p12");
        String password = "changeit";
        Process keytool =
                new ProcessBuilder(
                                List.of(
                                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                                .toString(),
                                        "-genkeypair",
                                        "-alias",
                                        name,
                                        "-keyalg",
                                        "RSA",
                                        "-keysize",
                                        "2048",
                                        "-validity",
                                        "2",
                                        "-dname",
                                        "CN=localhost",
                                        "-ext",
                                        "SAN=dns:localhost,ip:127.0.0.1",
                                        "-ext",
                                        "BC:c=ca:true",
                                        "-storetype",
                                        "PKCS12",
                                        "-keystore",
                                        store.toString(),
                                        "-storepass",
                                        password))
                        .redirectErrorStream(true)
                        .start();
        String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (keytool.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(store)) {
            keys.load(in, password.toCharArray());
        }
        Certificate cert = keys.getCertificate(name);
        PrivateKey key = (PrivateKey) keys.getKey(name, password.toCharArray());
        Path certFile = dir.resolve(name + ".crt");
        Path keyFile = dir.resolve(name + ".key");
        Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
        Files.writeString(keyFile, pem("PRIVATE KEY", key.getEncoded()));
        // PostgreSQL refuses a key file others can read
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-------"));
        return new TestCertificates(certFile, keyFile);
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN "
                + type
                + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END "
                + type
                + "-----\n";
    }
}
