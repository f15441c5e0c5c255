package org.omatwin.portal.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
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
import org.omatwin.dmclient.TlsTrust;
import org.omatwin.dmclient.TokenSource;
import org.omatwin.dmclient.UpdateBehaviour;
import org.omatwin.testsupport.Addresses;
import org.omatwin.testsupport.JavaService;
import org.omatwin.testsupport.Ports;
import org.omatwin.testsupport.Services;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The DM account's HTML pages (dm-api.md section 3) in real headless Chromium, phone-sized and with the
 * keyboard: a subscriber signs in, registers a watch on her line, the watch (the reference DM client)
 * shows its one-time code in its next session, she enters it and sees the device confirmed. A form post
 * without the session's anti-forgery token, or from another origin, is refused and changes nothing.
 */
class DeviceAccountPagesIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PASSWORD = "e2e-secret";
    private static final String ALICE_LINE = Addresses.tel();
    private static final Pattern SIX_DIGITS = Pattern.compile("\\b([0-9]{6})\\b");
    private static JavaService auth;
    private static JavaService core;
    private static JavaService portal;
    private static String issuer;
    private static String portalUrl;
    private static int dmPort;
    private static String dmFingerprint;
    private static Path docs;

    @BeforeAll
    static void startTheSystem() throws Exception {
        docs = Path.of(System.getProperty("twinning.docs", "target/screenshots"));
        Files.createDirectories(docs);
        int authPort = Ports.free();
        int portalPort = Ports.free();
        issuer = "http://localhost:" + authPort;
        portalUrl = "http://localhost:" + portalPort;
        String subscribers = "alice=" + ALICE_LINE + ";bob=" + Addresses.tel();
        Path data = Files.createTempDirectory("dm-account-e2e");
        auth = start(Services.authServer(), Map.of("TWIN_AUTH_PORT", Integer.toString(authPort),
                "TWIN_AUTH_ISSUER", issuer, "TWIN_DATA_DIR", data.toString(), "TWIN_DEV_DEVICE_TOKENS", "true",
                "TWIN_DEMO_SUBSCRIBERS", subscribers, "TWIN_DEMO_PASSWORD", PASSWORD, "TWIN_PORTAL_URL", portalUrl));
        core = start(Services.core(), Map.of("TWIN_HTTP_PORT", "0", "TWIN_GRPC_PORT", "0", "TWIN_DM_HTTPS_PORT", "0",
                "TWIN_DATA_DIR", data.toString(), "TWIN_AUTH_ISSUER", issuer, "TWIN_DEMO_SUBSCRIBERS", subscribers));
        Matcher m = Pattern.compile("grpc=(\\S+) .*dm=([0-9]+) dm-tls-sha256=(\\S+)").matcher(core.readyLine());
        assertThat(m.find()).as(core.readyLine()).isTrue();
        dmPort = Integer.parseInt(m.group(2));
        dmFingerprint = m.group(3);
        portal = start(Services.portal(), Map.of("TWIN_PORTAL_PORT", Integer.toString(portalPort),
                "TWIN_CORE_GRPC_TARGET", m.group(1), "TWIN_PORTAL_OIDC_ISSUER", issuer, "TWIN_PORTAL_URL", portalUrl));
    }

    private static JavaService start(JavaService.Builder service, Map<String, String> env) throws Exception {
        return service.heap("384m").readyWithin(Duration.ofSeconds(120)).env(env).start();
    }

    @AfterAll
    static void stopTheSystem() throws Exception {
        for (JavaService p : new JavaService[] {portal, core, auth}) {
            if (p != null) {
                p.close();
            }
        }
    }

    /** The watch: the reference DM client with a device token of the development client; SHOW pages land in {@code shown}. */
    private static DeviceAgent watch(String devId, List<String> shown) throws Exception {
        DmClient client = new DmClient(URI.create("https://localhost:" + dmPort + "/dm/v2"), TokenSource.fixed(DeviceSimulator.token(issuer, devId, "oma_dm.device")),
                DmClient.httpClient(TlsTrust.pinnedSha256(dmFingerprint), Executors.newCachedThreadPool()));
        return new DeviceAgent(ManagementTree.inMemory(DeviceProfile.defaults(devId).withFirmwareVersion("4.2.0")),
                client, new UpdateBehaviour(), new DeviceListener() {
                    @Override
                    public void shown(String url, String text) {
                        shown.add(text);
                    }
                });
    }

    private static WebDriver browser(int width, int height) throws Exception {
        return Chromium.open("chromium-dm-account", width, height);
    }

    private static WebDriverWait waitUpTo(WebDriver d, int seconds) {
        return new WebDriverWait(d, Duration.ofSeconds(seconds));
    }

    /** Presses Tab until the element with {@code id} has the focus, as a keyboard-only user does. */
    private static WebElement tabTo(WebDriver d, String id) {
        for (int i = 0; i < 30; i++) {
            WebElement focused = d.switchTo().activeElement();
            if (id.equals(focused.getDomAttribute("id"))) {
                return focused;
            }
            new Actions(d).sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("#" + id + " cannot be reached with the Tab key");
    }

    private static void screenshot(WebDriver d, String name) throws Exception {
        Path shot = ((TakesScreenshot) d).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, docs.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    /** A form post with the browser's own session cookie, as a forged page elsewhere would make the browser send. */
    private static HttpResponse<String> post(WebDriver d, String path, String origin, String form) throws Exception {
        Cookie session = d.manage().getCookieNamed("TWINPORTALSESSION");
        assertThat(session).isNotNull();
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(portalUrl + path))
                .header("Cookie", "TWINPORTALSESSION=" + session.getValue())
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
        if (origin != null) {
            b.header("Origin", origin);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aSubscriberRegistersAWatchAndConfirmsItWithTheCodeItShows() throws Exception {
        String devId = "urn:imei:3569380356" + String.format("%05d", (int) (Math.random() * 100_000));
        List<String> shown = new CopyOnWriteArrayList<>();
        DeviceAgent watch = watch(devId, shown);
        WebDriver d = browser(412, 915); // a phone-sized screen
        try {
            // sign in: the portal's own sign-in page, then the authorization server, back to the form
            d.get(portalUrl + "/dm/v2/devices/new");
            waitUpTo(d, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in"))).click();
            waitUpTo(d, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("username"))).sendKeys("alice");
            d.findElement(By.id("password")).sendKeys(PASSWORD + Keys.ENTER);
            try {
                waitUpTo(d, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("devId")));
            } catch (org.openqa.selenium.TimeoutException e) {
                throw new AssertionError("no form: at " + d.getCurrentUrl() + "\n" + d.getPageSource()
                        + "\nportal:\n" + portal.output(), e);
            }
            assertThat(d.getCurrentUrl()).startsWith(portalUrl + "/dm/v2/devices/new");
            assertThat(d.findElement(By.id("line")).getText()).contains(ALICE_LINE);
            // the page fits the phone: nothing wider than the screen
            assertThat(((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                    "return document.documentElement.scrollWidth <= window.innerWidth")).isEqualTo(true);

            // with the keyboard only
            tabTo(d, "devId").sendKeys(devId);
            tabTo(d, "name").sendKeys("My watch");
            screenshot(d, "dm-account-register.png");
            tabTo(d, "submit").sendKeys(Keys.ENTER);
            waitUpTo(d, 20).until(ExpectedConditions.visibilityOfElementLocated(By.id("code")));
            assertThat(d.getCurrentUrl()).startsWith(portalUrl + "/dm/v2/devices/" + devId);
            assertThat(d.findElement(By.id("binding")).getText()).startsWith("Unconfirmed");
            assertThat(d.findElement(By.tagName("main")).getText()).doesNotContain("4.2.0");

            // the watch's next session shows the code (SHOW); a wrong code first, then the right one
            assertThat(watch.clientInitiated().get(30, TimeUnit.SECONDS)).isPresent();
            assertThat(shown).hasSize(1);
            Matcher code = SIX_DIGITS.matcher(shown.get(0));
            assertThat(code.find()).as(shown.get(0)).isTrue();
            String wrong = code.group(1).equals("000000") ? "000001" : "000000";
            tabTo(d, "code").sendKeys(wrong + Keys.ENTER);
            waitUpTo(d, 20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
                    "That code is wrong"));
            tabTo(d, "code").sendKeys(code.group(1) + Keys.ENTER);
            waitUpTo(d, 20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("binding"), "Confirmed"));
            assertThat(d.findElement(By.id("message")).getText()).isEqualTo("This device is confirmed on your line.");
            assertThat(d.findElement(By.id("model")).getText()).contains("OMA Twin");
            screenshot(d, "dm-account-device.png");

            // forged posts: the anti-forgery token missing, another origin, no origin: refused, nothing changed
            String other = "urn:imei:3569380357" + String.format("%05d", (int) (Math.random() * 100_000));
            String fields = "devId=" + URLEncoder.encode(other, StandardCharsets.UTF_8) + "&line="
                    + URLEncoder.encode(ALICE_LINE, StandardCharsets.UTF_8);
            d.get(portalUrl + "/dm/v2/devices/new");
            String csrf = d.findElement(By.name("_csrf")).getDomAttribute("value");
            String token = "&_csrf=" + URLEncoder.encode(csrf, StandardCharsets.UTF_8);
            assertThat(post(d, "/dm/v2/devices/new", portalUrl, fields).statusCode()).isEqualTo(403);
            assertThat(post(d, "/dm/v2/devices/new", "http://evil.example", fields + token).statusCode()).isEqualTo(403);
            assertThat(post(d, "/dm/v2/devices/new", null, fields + token).statusCode()).isEqualTo(403);
            assertThat(post(d, "/dm/v2/devices/" + devId, "http://evil.example", "action=unregister" + token)
                    .statusCode()).isEqualTo(403);
            d.get(portalUrl + "/dm/v2/devices");
            String list = d.findElement(By.id("devices")).getText();
            assertThat(list).contains("My watch (confirmed)").doesNotContain(other);
            // the same post from the page's own origin with the token goes through (303 to the device's page)
            HttpResponse<String> genuine = post(d, "/dm/v2/devices/new", portalUrl, fields + token);
            assertThat(genuine.statusCode()).as(genuine.body()).isEqualTo(303);
        } finally {
            d.quit();
            watch.stop();
        }
    }
}
