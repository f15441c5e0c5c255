package org.omatwin.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.dmclient.DeviceAgent;
import org.omatwin.dmclient.DeviceListener;
import org.omatwin.dmclient.DeviceProfile;
import org.omatwin.dmclient.DmClient;
import org.omatwin.dmclient.ManagementTree;
import org.omatwin.dmclient.PackageSignature;
import org.omatwin.dmclient.TlsTrust;
import org.omatwin.dmclient.TokenSource;
import org.omatwin.dmclient.UpdateBehaviour;
import org.omatwin.testsupport.Addresses;
import org.omatwin.testsupport.JavaService;
import org.omatwin.testsupport.Ports;
import org.omatwin.testsupport.Services;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Device care in real headless Chromium (seed 003 5.7, 5.9, UP1, UP3, UP4), keyboard only: the operator's
 * firmware team registers a signed firmware and a settings package for the W1 (bin/package-sign, DMWSI);
 * a subscriber signs in, opens Updates and settings, sees her watch (the reference DM client on her line)
 * as it reported itself and the update available for it, installs it after a confirmation that says what
 * will happen, follows it live and sees the new version; a watch told to fail its update shows why in a
 * sentence; "send my settings again" delivers the settings package. Screenshots go to docs/.
 */
class DeviceCareIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PASSWORD = "e2e-secret";
    private static final String ALICE_LINE = Addresses.tel();
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();
    private static JavaService auth;
    private static JavaService core;
    private static JavaService portal;
    private static String issuer;
    private static String portalUrl;
    private static String restUrl;
    private static int dmPort;
    private static String dmFingerprint;
    private static Path docs;
    private static Path originator;
    private static final List<DeviceAgent> WATCHES = new ArrayList<>();

    @BeforeAll
    static void startTheSystem() throws Exception {
        docs = Path.of(System.getProperty("twinning.docs", "target/screenshots"));
        Files.createDirectories(docs);
        Path data = Files.createTempDirectory("device-care-e2e");
        originator = data.resolve("originator");
        sign("originator", originator.toString());
        int authPort = Ports.free();
        int portalPort = Ports.free();
        issuer = "http://localhost:" + authPort;
        portalUrl = "http://localhost:" + portalPort;
        String subscribers = "alice=" + ALICE_LINE + ";bob=" + Addresses.tel();
        auth = start(Services.authServer(), Map.of("TWIN_AUTH_PORT", Integer.toString(authPort),
                "TWIN_AUTH_ISSUER", issuer, "TWIN_DATA_DIR", data.toString(), "TWIN_DEV_DEVICE_TOKENS", "true",
                "TWIN_DEMO_SUBSCRIBERS", subscribers, "TWIN_DEMO_PASSWORD", PASSWORD, "TWIN_PORTAL_URL", portalUrl));
        core = start(Services.core(), Map.of("TWIN_HTTP_PORT", "0", "TWIN_GRPC_PORT", "0", "TWIN_DM_HTTPS_PORT", "0",
                "TWIN_DATA_DIR", data.toString(), "TWIN_AUTH_ISSUER", issuer, "TWIN_DEMO_SUBSCRIBERS", subscribers,
                "TWIN_DM_POLICIES", REPO.resolve("config/dm-policies.json").toString(),
                "TWIN_DM_PACKAGE_ORIGINATORS", originator.resolve("originator-ca.pem").toString()));
        Matcher m = Pattern.compile("rest=(\\S+) grpc=(\\S+) .*dm=([0-9]+) dm-tls-sha256=(\\S+)")
                .matcher(core.readyLine());
        assertThat(m.find()).as(core.readyLine()).isTrue();
        restUrl = URI.create(m.group(1)).resolve("/").toString().replaceAll("/$", ""); // the REST port's root
        dmPort = Integer.parseInt(m.group(3));
        dmFingerprint = m.group(4);
        portal = start(Services.portal(), Map.of("TWIN_PORTAL_PORT", Integer.toString(portalPort),
                "TWIN_CORE_GRPC_TARGET", m.group(2), "TWIN_PORTAL_OIDC_ISSUER", issuer, "TWIN_PORTAL_URL", portalUrl));

        // the operator's firmware team: a firmware for the W1 on 4.2.0, and the W1's settings
        Path firmware = data.resolve("w1-4.3.0.bin");
        byte[] image = new byte[300_000];
        new Random(18).nextBytes(image);
        Files.write(firmware, image);
        publish(firmware, "--name", "W1 firmware", "--version", "4.3.0", "--kind", "firmware", "--man", "OMA Twin",
                "--mod", "W1", "--from-versions", "4.2.0");
        Path settings = Files.writeString(data.resolve("w1-settings.json"), "{\"apn\":\"internet.example\"}");
        publish(settings, "--name", "W1 settings", "--version", "1", "--kind", "configuration", "--man", "OMA Twin",
                "--mod", "W1");
    }

    private static JavaService start(JavaService.Builder service, Map<String, String> env) throws Exception {
        return service.heap("384m").readyWithin(Duration.ofSeconds(120)).env(env).start();
    }

    @AfterAll
    static void stopTheSystem() throws Exception {
        WATCHES.forEach(DeviceAgent::stop);
        for (JavaService p : new JavaService[] {portal, core, auth}) {
            if (p != null) {
                p.close();
            }
        }
    }

    /** bin/package-sign, as the README runs it; returns what it printed. */
    private static String sign(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", REPO.resolve("bin/package-sign").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(false).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(err).isZero();
        return out;
    }

    /** Signs the file, registers the package with DMWSI and uploads its content: Verified. */
    private static void publish(Path file, String... metadata) throws Exception {
        List<String> args = new ArrayList<>(List.of("sign", originator.toString(), file.toString()));
        args.addAll(List.of(metadata));
        String body = sign(args.toArray(String[]::new));
        String token = firmwareTeamToken();
        HttpResponse<String> registered = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl + "/dmwsi/v1/packages"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(registered.statusCode()).as(registered.body()).isEqualTo(201);
        Matcher id = Pattern.compile("\"packageId\"\\s*:\\s*\"([^\"]+)\"").matcher(registered.body());
        assertThat(id.find()).isTrue();
        HttpResponse<String> uploaded = HTTP.send(HttpRequest.newBuilder(URI.create(restUrl + "/dmwsi/v1/packages/"
                        + id.group(1) + "/content")).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofFile(file)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(uploaded.body()).as(uploaded.body()).contains("\"Verified\"");
    }

    private static String firmwareTeamToken() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(issuer + "/oauth2/token"))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                        "dmwsi-demo:dmwsi-demo-secret".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("grant_type=client_credentials&scope=oma_dmwsi.read"
                        + "%20oma_dmwsi.operate%20oma_dmwsi.packages")).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("\"access_token\"\\s*:\\s*\"([^\"]+)\"").matcher(r.body());
        assertThat(m.find()).as(r.body()).isTrue();
        return m.group(1);
    }

    /**
     * A W1 watch on firmware 4.2.0 on Alice's line (its token carries the line, as the network would
     * prove it), trusting only the test originator's packages, running its session loop.
     */
    private static DeviceAgent watch(String devId, UpdateBehaviour behaviour) throws Exception {
        DmClient client = new DmClient(URI.create("https://localhost:" + dmPort + "/dm/v2"),
                TokenSource.fixed(DeviceSimulator.token(issuer, devId, "oma_dm.device", ALICE_LINE)),
                DmClient.httpClient(TlsTrust.pinnedSha256(dmFingerprint), Executors.newCachedThreadPool()));
        DeviceAgent watch = new DeviceAgent(ManagementTree.inMemory(DeviceProfile.defaults(devId).withModel("W1")
                .withFirmwareVersion("4.2.0")), client,
                behaviour.signatures(PackageSignature.originators(originator.resolve("originator-ca.pem"))),
                new DeviceListener() {
                    // what the watch did, in the test's output (a failing test then says where it stopped)
                    @Override
                    public void commandExecuted(org.omatwin.dmclient.Wire.Command command,
                            org.omatwin.dmclient.Wire.Status status) {
                        System.err.println(devId + " cmd " + command + " -> " + status);
                    }

                    @Override
                    public void alertSent(org.omatwin.dmclient.Wire.Alert alert) {
                        System.err.println(devId + " alert " + alert);
                    }

                    @Override
                    public void error(String what, Throwable cause) {
                        System.err.println(devId + " error in " + what + ": " + cause);
                    }
                });
        WATCHES.add(watch);
        // Package#1: who it is (stored even with nothing pending: 204), on the line its token proves
        watch.clientInitiated().get(60, TimeUnit.SECONDS);
        watch.runLoop(30);
        return watch;
    }

    private static String devId() {
        return "urn:imei:3569380358" + String.format("%05d", new Random().nextInt(100_000));
    }

    private static WebDriverWait waitUpTo(WebDriver d, int seconds) {
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(seconds));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static void signIn(WebDriver d) {
        d.get(portalUrl + "/");
        waitUpTo(d, 60).until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in"))).click();
        waitUpTo(d, 60).until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("alice");
        d.findElement(By.id("password")).sendKeys(PASSWORD + Keys.ENTER);
        try {
            waitUpTo(d, 60).until(ExpectedConditions.textToBePresentInElementLocated(By.id("signed-in-as"),
                    "Signed in as alice"));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("not signed in: at " + d.getCurrentUrl() + "\nportal:\n" + portal.output(), e);
        }
    }

    /** Presses Tab until the element with {@code id} has the focus, as a keyboard-only user does. */
    private static WebElement tabTo(WebDriver d, String id) {
        for (int i = 0; i < 60; i++) {
            WebElement focused = d.switchTo().activeElement();
            if (id.equals(focused.getDomAttribute("id"))) {
                return focused;
            }
            new Actions(d).sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("#" + id + " cannot be reached with the Tab key");
    }

    /** Signs in and opens Updates and settings from the home page with the keyboard. */
    private static void openDeviceCare(WebDriver d) {
        signIn(d);
        waitUpTo(d, 30).until(ExpectedConditions.presenceOfElementLocated(By.id("device-care")));
        tabTo(d, "device-care").sendKeys(Keys.ENTER);
        waitUpTo(d, 30).until(ExpectedConditions.presenceOfElementLocated(By.id("care-devices")));
    }

    private static By card(String devId) {
        return By.cssSelector(".care-device[data-dev-id='" + devId + "']");
    }

    private static String cardText(WebDriver d, String devId) {
        return d.findElement(card(devId)).getText();
    }

    /** Waits until the device's card says {@code text} (live: no reload). */
    private static void cardSays(WebDriver d, String devId, String text, int seconds) {
        try {
            waitUpTo(d, seconds).until(x -> cardText(x, devId).contains(text));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("the card never said '" + text + "': " + cardText(d, devId) + "\nmessage: "
                    + d.findElement(By.id("message")).getText() + "\ncore:\n" + core.output() + "\nportal:\n"
                    + portal.output(), e);
        }
    }

    /** Tabs to the Install button of the update, opens the confirmation, and returns what it says. */
    private static String install(WebDriver d, String devId) {
        WebElement button = d.findElement(card(devId)).findElement(By.cssSelector("vaadin-button.install"));
        tabTo(d, button.getDomAttribute("id")).sendKeys(Keys.ENTER);
        WebElement confirm = waitUpTo(d, 20).until(ExpectedConditions.visibilityOfElementLocated(
                By.cssSelector("vaadin-button[slot='confirm-button']")));
        String says = waitUpTo(d, 10).until(x -> {
            String text = x.findElement(By.cssSelector("vaadin-confirm-dialog")).getText();
            return text.isBlank() ? null : text;
        });
        return says + "\n" + confirm.getText();
    }

    private static void confirm(WebDriver d) {
        WebElement confirm = d.findElement(By.cssSelector("vaadin-button[slot='confirm-button']"));
        confirm.sendKeys(Keys.ENTER);
        waitUpTo(d, 20).until(ExpectedConditions.invisibilityOfElementLocated(
                By.cssSelector("vaadin-button[slot='confirm-button']")));
    }

    private static void screenshot(WebDriver d, String name) throws Exception {
        Thread.sleep(400); // let Lumo finish its transitions
        Path shot = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, docs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** The screen at phone size (name-phone.png) and at desktop size (name-desktop.png); the size is restored. */
    private static void screenshots(WebDriver d, String name) throws Exception {
        Dimension was = d.manage().window().getSize();
        d.manage().window().setSize(new Dimension(412, 915));
        screenshot(d, name + "-phone.png");
        d.manage().window().setSize(new Dimension(1280, 900));
        screenshot(d, name + "-desktop.png");
        d.manage().window().setSize(was);
        Thread.sleep(300);
    }

    private static boolean fitsTheScreen(WebDriver d) {
        return Boolean.TRUE.equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth"));
    }

    @Test
    void aSubscriberUpdatesHerWatchFromThePortalAndSeesTheNewVersion() throws Exception {
        String devId = devId();
        watch(devId, new UpdateBehaviour());
        WebDriver d = Chromium.open("chromium-device-care", 412, 915); // a phone-sized screen
        try {
            openDeviceCare(d);
            cardSays(d, devId, "Firmware: 4.2.0", 30);
            String card = cardText(d, devId);
            assertThat(card).contains("OMA Twin W1", "Manufacturer: OMA Twin", "Model: W1", "Last seen:",
                    "W1 firmware 4.3.0", "firmware 4.2.0 → 4.3.0");
            assertThat(fitsTheScreen(d)).isTrue();
            screenshots(d, "portal-device-care");

            String says = install(d, devId);
            assertThat(says).contains("Install W1 firmware 4.3.0?", "restarts", "a few minutes",
                    "from 4.2.0 to 4.3.0");
            screenshots(d, "portal-device-care-confirm");
            confirm(d);

            // followed live: the watch downloads, checks, applies and reports; the page says so
            cardSays(d, devId, "Your OMA Twin W1 now runs firmware 4.3.0.", 120);
            cardSays(d, devId, "Firmware: 4.3.0", 30);
            assertThat(cardText(d, devId)).contains("is up to date").doesNotContain("W1 firmware 4.3.0 ·");
            screenshots(d, "portal-device-care-updated");

            // send my settings again: the W1's settings package is delivered once more
            WebElement resend = d.findElement(card(devId)).findElement(By.cssSelector("vaadin-button.resend-settings"));
            tabTo(d, resend.getDomAttribute("id")).sendKeys(Keys.ENTER);
            cardSays(d, devId, "Your settings were sent to your OMA Twin W1 again.", 120);
        } finally {
            d.quit();
        }
    }

    @Test
    void aFailingUpdateIsShownAsASentenceAndTheVersionStays() throws Exception {
        String devId = devId();
        watch(devId, new UpdateBehaviour().failNextUpdate(UpdateBehaviour.Failure.MEMORY));
        WebDriver d = Chromium.open("chromium-device-care", 412, 915);
        try {
            openDeviceCare(d);
            cardSays(d, devId, "Firmware: 4.2.0", 30);
            install(d, devId);
            confirm(d);
            cardSays(d, devId, "Your OMA Twin W1 does not have enough free memory for this update. Nothing was "
                    + "changed on your OMA Twin W1.", 120);
            assertThat(cardText(d, devId)).contains("Firmware: 4.2.0", "W1 firmware 4.3.0");
            screenshots(d, "portal-device-care-failed");
        } finally {
            d.quit();
        }
    }
}
