package paperkg.neo4j;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

import org.neo4j.configuration.Config;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.connectors.HttpsConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.graphdb.config.Setting;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilder;
import org.neo4j.harness.Neo4jBuilders;

/**
 * Starts a throw-away (or persistent) Neo4j 5 Community server in-process via neo4j-harness, with Bolt on
 * 127.0.0.1, authentication enabled, APOC core loaded from a plugins directory and (optionally) HTTP +
 * Neo4j Browser.
 *
 * <p>stdout carries exactly one line, {@code bolt://127.0.0.1:PORT}, printed once the server accepts
 * authenticated connections. Everything else goes to stderr. SIGTERM/SIGINT stop the server cleanly and the
 * process exits 0. Any start-up failure exits 1 with a message on stderr.
 */
public final class Launcher {
    private static final String PROG = "paperkg-neo4j";
    private static final String USAGE = String.join("\n",
            "usage: " + PROG + " [options]",
            "  --bolt-port N       Bolt port on 127.0.0.1 (default 0 = pick a free port)",
            "  --http-port N       also start HTTP (+ Neo4j Browser at /browser/) on 127.0.0.1:N (0 = free port);",
            "                      default: HTTP disabled",
            "  --data DIR          persistent data directory (default: temp dir, deleted on exit)",
            "  --password PW       password of user 'neo4j' (default paperkg-test)",
            "  --uri-file FILE     also write the bolt URI to FILE (atomically); removed again on exit",
            "  --log-dir DIR       keep Neo4j logs (neo4j.log, debug.log, ...) in DIR (default: temp, deleted)",
            "  --plugins DIR       directory with procedure jars (default: 'plugins' next to this jar)",
            "  --no-apoc           do not load any plugins",
            "  --watch-stdin       also stop when stdin reaches EOF (parent process gone)",
            "  --conf KEY=VALUE    any neo4j.conf setting, e.g. --conf server.memory.pagecache.size=64m",
            "                      (repeatable; applied last, so it overrides the options above)",
            "  -h, --help          this help");

    private static final PrintStream ERR = System.err;
    private static final String WORK_PREFIX = "paperkg-neo4j-";
    private static final String PID_FILE = "launcher.pid";

    private Launcher() {}

    public static void main(String[] args) {
        // Keep stdout for the single "ready" line only: anything a library prints goes to stderr.
        PrintStream out = System.out;
        System.setOut(System.err);
        int rc;
        try {
            rc = run(args, out);
        } catch (UsageException e) {
            ERR.println(PROG + ": " + e.getMessage());
            ERR.println(USAGE);
            rc = 2;
        } catch (Throwable t) {
            ERR.println(PROG + ": failed: " + t);
            t.printStackTrace(ERR);
            rc = 1;
        }
        ERR.flush();
        out.flush();
        System.exit(rc);
    }

    static final class UsageException extends Exception {
        UsageException(String msg) {
            super(msg);
        }
    }

    private static final class Options {
        int boltPort = 0;
        int httpPort = -1;
        Path data;
        String password = "paperkg-test";
        Path uriFile;
        Path logDir;
        Path plugins;
        boolean apoc = true;
        boolean watchStdin;
        final Map<String, String> conf = new LinkedHashMap<>();
    }

    private static Options parse(String[] args) throws UsageException {
        Options o = new Options();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String v = null;
            int eq = a.indexOf('=');
            if (a.startsWith("--") && eq > 0) {
                v = a.substring(eq + 1);
                a = a.substring(0, eq);
            }
            switch (a) {
                case "-h", "--help" -> {
                    ERR.println(USAGE);
                    System.exit(0);
                }
                case "--no-apoc" -> o.apoc = false;
                case "--watch-stdin" -> o.watchStdin = true;
                case "--bolt-port", "--http-port", "--data", "--password", "--uri-file", "--log-dir", "--plugins",
                        "--conf" -> {
                    if (v == null) {
                        if (i + 1 >= args.length) {
                            throw new UsageException("missing value for " + a);
                        }
                        v = args[++i];
                    }
                    switch (a) {
                        case "--bolt-port" -> o.boltPort = port(a, v);
                        case "--http-port" -> o.httpPort = port(a, v);
                        case "--data" -> o.data = Paths.get(v).toAbsolutePath();
                        case "--password" -> {
                            if (v.isEmpty()) {
                                throw new UsageException("--password must not be empty");
                            }
                            o.password = v;
                        }
                        case "--uri-file" -> o.uriFile = Paths.get(v).toAbsolutePath();
                        case "--log-dir" -> o.logDir = Paths.get(v).toAbsolutePath();
                        case "--plugins" -> o.plugins = Paths.get(v).toAbsolutePath();
                        case "--conf" -> {
                            int e = v.indexOf('=');
                            if (e <= 0) {
                                throw new UsageException("--conf expects KEY=VALUE, got '" + v + "'");
                            }
                            o.conf.put(v.substring(0, e).trim(), v.substring(e + 1).trim());
                        }
                        default -> throw new AssertionError(a);
                    }
                }
                default -> throw new UsageException("unknown argument '" + args[i] + "'");
            }
        }
        return o;
    }

    private static int port(String opt, String v) throws UsageException {
        try {
            int p = Integer.parseInt(v.trim());
            if (p < 0 || p > 65535) {
                throw new NumberFormatException();
            }
            return p;
        } catch (NumberFormatException e) {
            throw new UsageException(opt + " expects a port number 0-65535, got '" + v + "'");
        }
    }

    private static Path defaultPluginsDir() {
        try {
            URI loc = Launcher.class.getProtectionDomain().getCodeSource().getLocation().toURI();
            Path p = Paths.get(loc);
            // target/paperkg-neo4j.jar -> target/plugins ; target/classes -> target/plugins
            return p.getParent().resolve("plugins");
        } catch (URISyntaxException | RuntimeException e) {
            return null;
        }
    }

    private static int run(String[] args, PrintStream out) throws Exception {
        Options o = parse(args);
        long t0 = System.nanoTime();

        removeStaleWorkDirs();
        Path work = Files.createTempDirectory(WORK_PREFIX);
        Files.writeString(work.resolve(PID_FILE), Long.toString(ProcessHandle.current().pid()));
        AtomicBoolean cleaned = new AtomicBoolean();
        Neo4j[] holder = new Neo4j[1];
        Runnable cleanup = () -> {
            if (!cleaned.compareAndSet(false, true)) {
                return;
            }
            Neo4j n = holder[0];
            if (n != null) {
                try {
                    n.close();
                } catch (Throwable t) {
                    ERR.println(PROG + ": error during shutdown: " + t);
                }
            }
            if (o.uriFile != null) {
                try {
                    Files.deleteIfExists(o.uriFile);
                } catch (IOException ignored) {
                    // best effort
                }
            }
            copyUserLog(work, o.logDir);
            deleteTree(work);
        };
        // Fallback for exits we do not see as signals (System.exit elsewhere, SIGHUP, ...).
        Thread hook = new Thread(cleanup, PROG + "-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);

        CountDownLatch stop = new CountDownLatch(1);
        String[] stopSignal = {"stop"};
        for (String sig : List.of("TERM", "INT")) {
            sun.misc.Signal.handle(new sun.misc.Signal(sig), s -> {
                stopSignal[0] = "SIG" + s.getName();
                stop.countDown();
            });
        }

        if (o.data != null) {
            Files.createDirectories(o.data);
        }
        if (o.logDir != null) {
            Files.createDirectories(o.logDir);
        }
        Path plugins = null;
        if (o.apoc) {
            plugins = o.plugins != null ? o.plugins : defaultPluginsDir();
            if (plugins == null || !Files.isDirectory(plugins)) {
                if (o.plugins != null) {
                    throw new UsageException("--plugins directory does not exist: " + o.plugins);
                }
                ERR.println(PROG + ": warning: no plugins directory found, starting without APOC");
                plugins = null;
            }
        }

        // Port 0 = we pick a free port ourselves, so that the *advertised* addresses (routing table for
        // neo4j://, HTTP discovery used by Neo4j Browser) carry the real port. If another process grabs it
        // between our probe and Neo4j's bind, retry with a new one.
        Neo4j neo4j = null;
        long tBuild = System.nanoTime();
        for (int attempt = 1; neo4j == null; attempt++) {
            int bolt = o.boltPort != 0 ? o.boltPort : freePort();
            int http = o.httpPort > 0 ? o.httpPort : o.httpPort == 0 ? freePort() : -1;
            Neo4jBuilder b = builder(o, work, bolt, http, plugins);
            try {
                neo4j = b.build();
            } catch (Throwable t) {
                String msg = rootMessage(t);
                boolean bindRace = msg.contains("already in use") && (o.boltPort == 0 || o.httpPort == 0);
                if (bindRace && attempt < 5) {
                    ERR.println(PROG + ": port taken meanwhile (" + msg + "), retrying");
                    continue;
                }
                ERR.println(PROG + ": Neo4j failed to start: " + msg);
                t.printStackTrace(ERR);
                dumpLogs(work, o.logDir);
                cleanup.run();
                return 1;
            }
        }
        holder[0] = neo4j;
        long buildMs = ms(tBuild);

        long tPw = System.nanoTime();
        try {
            // Auth is enabled; the initial 'neo4j' user has password 'neo4j' + "change required" on a new store.
            // Set ours (embedded transactions bypass auth). Idempotent for a persistent --data dir.
            GraphDatabaseService system = neo4j.databaseManagementService().database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
            system.executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", o.password));
        } catch (Throwable t) {
            String m = rootMessage(t);
            if (m == null || !m.contains("Old password and new password cannot be the same")) {
                ERR.println(PROG + ": could not set the password of user neo4j: " + m);
                t.printStackTrace(ERR);
                cleanup.run();
                return 1;
            }
        }

        if (stop.getCount() == 0) { // signalled while starting: do not announce, just stop
            ERR.println(PROG + ": " + stopSignal[0] + " received during start-up, shutting down");
            cleanup.run();
            return 0;
        }
        if (o.watchStdin) {
            Thread w = new Thread(() -> {
                try {
                    while (System.in.read() >= 0) {
                        // discard
                    }
                } catch (IOException ignored) {
                    // treat like EOF
                }
                stopSignal[0] = "EOF on stdin";
                stop.countDown();
            }, PROG + "-stdin");
            w.setDaemon(true);
            w.start();
        }

        int boltPort = neo4j.boltURI().getPort();
        String uri = "bolt://127.0.0.1:" + boltPort;
        if (o.uriFile != null) {
            writeAtomically(o.uriFile, uri + "\n");
        }
        ERR.println(PROG + ": Neo4j " + neo4jVersion() + " Community ready in " + ms(t0) + " ms (server "
                + buildMs + " ms, password " + ms(tPw) + " ms): " + uri + " (user neo4j)"
                + (o.httpPort >= 0 ? ", http " + neo4j.httpURI() + " (browser: " + neo4j.httpURI() + "browser/)" : "")
                + ", data " + (o.data != null ? o.data : "temporary"));
        out.println(uri);
        out.flush();

        stop.await();
        ERR.println(PROG + ": " + stopSignal[0] + " received, shutting down");
        cleanup.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        ERR.println(PROG + ": stopped");
        return 0;
    }

    private static Neo4jBuilder builder(Options o, Path work, int bolt, int http, Path plugins)
            throws UsageException {
        Neo4jBuilder b = Neo4jBuilders.newInProcessBuilder(work)
                .withConfig(GraphDatabaseSettings.auth_enabled, true)
                // wrong-password tests must not lock the account (default: locked 5 s after 3 failures)
                .withConfig(GraphDatabaseSettings.auth_max_failed_attempts, 0)
                .withConfig(GraphDatabaseSettings.auth_minimum_password_length, 1)
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", bolt))
                .withConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", bolt))
                .withConfig(HttpsConnector.enabled, false);
        if (http >= 0) {
            b.withConfig(HttpConnector.enabled, true)
                    .withConfig(HttpConnector.listen_address, new SocketAddress("127.0.0.1", http))
                    .withConfig(HttpConnector.advertised_address, new SocketAddress("127.0.0.1", http));
        } else {
            b.withDisabledServer();
        }
        if (o.data != null) {
            b.withConfig(GraphDatabaseSettings.data_directory, o.data);
        }
        if (o.logDir != null) {
            b.withConfig(GraphDatabaseSettings.logs_directory, o.logDir);
        }
        if (plugins != null) {
            b.withConfig(GraphDatabaseSettings.plugin_dir, plugins)
                    .withConfig(GraphDatabaseSettings.procedure_unrestricted, List.of("apoc.*"));
        }
        // Defaults that suit a test server; any of them can be overridden with --conf.
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("dbms.usage_report.enabled", "false");
        // Bolt shutdown waits 2 x 5 s of netty "quiet period" by default; make SIGTERM fast.
        defaults.put("internal.dbms.bolt.netty_server_shutdown_quiet_period", "0");
        applyConf(b, defaults, false);
        applyConf(b, o.conf, true);
        return b;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return s.getLocalPort();
        }
    }

    /** Parse KEY=VALUE with Neo4j's own config machinery (validates names and values). */
    private static void applyConf(Neo4jBuilder b, Map<String, String> conf, boolean strict) throws UsageException {
        if (conf.isEmpty()) {
            return;
        }
        Map<String, String> known = new LinkedHashMap<>();
        Map<String, Setting<Object>> declared = Config.defaults().getDeclaredSettings();
        for (Map.Entry<String, String> e : conf.entrySet()) {
            if (declared.containsKey(e.getKey())) {
                known.put(e.getKey(), e.getValue());
            } else if (strict) {
                throw new UsageException("unknown Neo4j setting '" + e.getKey() + "'");
            }
        }
        Config parsed;
        try {
            parsed = Config.newBuilder().setRaw(known).build();
        } catch (RuntimeException e) {
            throw new UsageException("bad --conf value: " + e.getMessage());
        }
        for (String key : known.keySet()) {
            Setting<Object> s = declared.get(key);
            b.withConfig(s, parsed.get(s));
        }
    }

    private static String neo4jVersion() {
        try {
            return org.neo4j.kernel.internal.Version.getNeo4jVersion();
        } catch (Throwable t) {
            return "5";
        }
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }

    private static String rootMessage(Throwable t) {
        Throwable c = t;
        StringBuilder sb = new StringBuilder(String.valueOf(t.getMessage()));
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
            if (c.getMessage() != null && !sb.toString().contains(c.getMessage())) {
                sb.append(" <- ").append(c.getMessage());
            }
        }
        return sb.toString();
    }

    private static void writeAtomically(Path file, String content) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        Files.writeString(tmp, content, StandardCharsets.UTF_8);
        try {
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** The harness keeps its user log (neo4j.log) in its own working folder; keep a copy if --log-dir was given. */
    private static void copyUserLog(Path work, Path logDir) {
        if (logDir == null) {
            return;
        }
        try (Stream<Path> s = Files.walk(work)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.getFileName().toString().equals("neo4j.log") && !p.startsWith(logDir)) {
                    Files.copy(p, logDir.resolve("neo4j.log"), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            ERR.println(PROG + ": could not copy neo4j.log: " + e);
        }
    }

    private static void dumpLogs(Path work, Path logDir) {
        for (Path root : new Path[] {work, logDir}) {
            if (root == null || !Files.isDirectory(root)) {
                continue;
            }
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : (Iterable<Path>) s::iterator) {
                    String n = p.getFileName().toString();
                    if (Files.isRegularFile(p) && (n.equals("neo4j.log") || n.equals("debug.log"))) {
                        List<String> lines = Files.readAllLines(p, StandardCharsets.UTF_8);
                        ERR.println("---------- last lines of " + p + " ----------");
                        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> ERR.println(l));
                    }
                }
            } catch (IOException | RuntimeException e) {
                ERR.println(PROG + ": could not read logs: " + e);
            }
        }
    }

    /** Temp work dirs of launchers that were SIGKILLed (no cleanup ran) are removed by the next launcher. */
    private static void removeStaleWorkDirs() {
        Path tmp = Paths.get(System.getProperty("java.io.tmpdir"));
        try (Stream<Path> s = Files.list(tmp)) {
            for (Path d : (Iterable<Path>) s::iterator) {
                Path pidFile = d.resolve(PID_FILE);
                if (!d.getFileName().toString().startsWith(WORK_PREFIX) || !Files.isRegularFile(pidFile)) {
                    continue;
                }
                try {
                    long pid = Long.parseLong(Files.readString(pidFile).trim());
                    if (ProcessHandle.of(pid).isEmpty()) {
                        deleteTree(d);
                    }
                } catch (IOException | NumberFormatException ignored) {
                    // not ours or unreadable: leave it
                }
            }
        } catch (IOException | RuntimeException ignored) {
            // best effort
        }
    }

    private static void deleteTree(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            ERR.println(PROG + ": could not delete " + root + ": " + e);
        }
    }
}
