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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.omatwin.testsupport.JavaService;
import org.omatwin.testsupport.Ports;
import org.omatwin.testsupport.Services;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The whole system as an operator runs it: the authorization server, the core and the portal jars as
 * processes, and a subscriber in real headless Chromium: sign in from the portal's own page through the
 * login form, add a watch with the code the watch got over REST, toggle, rename, name the line, see the
 * watch's own change arrive by push, read the history, remove, open the removed watch's history, sign
 * out. Another subscriber sees none of it. Screenshots of every screen at phone and desktop size go to
 * target/screenshots (docs/ with -Dtwinning.docs=../docs).
 */
class PortalEndToEndIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String PASSWORD = "e2e-secret";
    private static final String ALICE_PHONE = tel();
    private static final String BOB_PHONE = tel();
    private static JavaService auth;
    private static JavaService core;
    private static JavaService portal;
    private static String issuer;
    private static String restUrl;
    private static String portalUrl;
    /** A second portal whose sessions time out after one idle minute. */
    private static JavaService idlePortal;
    private static String idlePortalUrl;
    private static Path docs;

    /** A valid UK mobile number (07400 xxxxxx), so that it is shown as people write it. */
    static String tel() {
        return "tel:+447400" + String.format("%06d", java.util.concurrent.ThreadLocalRandom.current()
                .nextInt(1_000_000));
    }

    /** How the portal writes a UK number with its default settings (national form); independently of its code. */
    private static String shown(String address) {
        var phones = com.google.i18n.phonenumbers.PhoneNumberUtil.getInstance();
        try {
            return phones.format(phones.parse(address.substring(4), "GB"),
                    com.google.i18n.phonenumbers.PhoneNumberUtil.PhoneNumberFormat.NATIONAL);
        } catch (com.google.i18n.phonenumbers.NumberParseException e) {
            throw new IllegalArgumentException(address, e);
        }
    }

    /** The packaged jars as the e2e test always ran them: 384 MB heap, ready within two minutes. */
    private static JavaService start(JavaService.Builder service, Map<String, String> env) throws Exception {
        return service.heap("384m").readyWithin(Duration.ofSeconds(120)).env(env).start();
    }

    @BeforeAll
    static void startTheSystem() throws Exception {
        // under target/ by default; -Dtwinning.docs=../docs refreshes the tracked screenshots on purpose
        docs = Path.of(System.getProperty("twinning.docs", "target/screenshots"));
        Files.createDirectories(docs);
        int authPort = Ports.free();
        int portalPort = Ports.free();
        int idlePortalPort = Ports.free();
        // one host name for both, as in bin/run: their session cookies must not collide
        issuer = "http://localhost:" + authPort;
        portalUrl = "http://localhost:" + portalPort;
        idlePortalUrl = "http://localhost:" + idlePortalPort;
        String subscribers = "alice=" + ALICE_PHONE + ";bob=" + BOB_PHONE;
        Path data = Files.createTempDirectory("portal-e2e");
        auth = start(Services.authServer(),
                Map.of("TWIN_AUTH_PORT", Integer.toString(authPort), "TWIN_AUTH_ISSUER", issuer,
                        "TWIN_DATA_DIR", data.toString(), "TWIN_DEV_DEVICE_TOKENS", "true",
                        "TWIN_DEMO_SUBSCRIBERS", subscribers, "TWIN_DEMO_PASSWORD", PASSWORD,
                        "TWIN_PORTAL_URL", portalUrl + "," + idlePortalUrl));
        core = start(Services.core(),
                Map.of("TWIN_HTTP_PORT", "0", "TWIN_GRPC_PORT", "0", "TWIN_DM_HTTPS_PORT", "0", "TWIN_DATA_DIR", data.toString(),
                        "TWIN_AUTH_ISSUER", issuer, "TWIN_DEMO_SUBSCRIBERS", subscribers));
        Matcher m = Pattern.compile("rest=(\\S+) grpc=(\\S+)").matcher(core.readyLine());
        assertThat(m.find()).as(core.readyLine()).isTrue();
        restUrl = m.group(1);
        portal = start(Services.portal(),
                Map.of("TWIN_PORTAL_PORT", Integer.toString(portalPort), "TWIN_CORE_GRPC_TARGET", m.group(2),
                        "TWIN_PORTAL_OIDC_ISSUER", issuer));
        idlePortal = start(Services.portal(), Map.of("TWIN_PORTAL_PORT", Integer.toString(idlePortalPort),
                        "TWIN_CORE_GRPC_TARGET", m.group(2), "TWIN_PORTAL_OIDC_ISSUER", issuer,
                        "TWIN_PORTAL_SESSION_TIMEOUT", "1m", "TWIN_PORTAL_HEARTBEAT_SECONDS", "10"));
    }

    @AfterAll
    static void stopTheSystem() throws Exception {
        for (JavaService p : new JavaService[] {idlePortal, portal, core, auth}) {
            if (p != null) {
                p.close();
            }
        }
    }

    // ---- the watch, over REST with a device token, as a real watch would ----

    private static String deviceToken(String device) throws Exception {
        return DeviceSimulator.token(issuer, device, "oma_rest_twinning.all_v1");
    }

    private static HttpResponse<String> watchCalls(String watch, String method, String path, String body)
            throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(restUrl + "/" + URLEncoder.encode(watch,
                StandardCharsets.UTF_8) + path))
                .header("Authorization", "Bearer " + deviceToken(watch))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String codeShownOnTheWatch(String watch) throws Exception {
        HttpResponse<String> r = watchCalls(watch, "POST", "/twinnings", "{\"twinning\":{\"role\":\"Secondary\"}}");
        Matcher m = Pattern.compile("\"code\"\\s*:\\s*\"([0-9]{6})\"").matcher(r.body());
        assertThat(r.statusCode() == 201 && m.find()).as(r.body()).isTrue();
        return m.group(1);
    }

    // ---- the browser ----

    private static WebDriver browser(int width, int height) throws Exception {
        return Chromium.open("chromium-e2e", width, height);
    }

    private static WebDriverWait waitUpTo(WebDriver d, int seconds) {
        // the list is redrawn on every change: an element read mid-redraw is read again
        WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(seconds));
        wait.ignoring(org.openqa.selenium.StaleElementReferenceException.class);
        return wait;
    }

    private static void signIn(WebDriver d, String user) {
        signIn(d, portalUrl, user);
    }

    private static void signIn(WebDriver d, String base, String user) {
        d.get(base + "/");
        // the portal's own sign-in page first, with the operator's name
        WebElement signIn = waitUpTo(d, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
        assertThat(d.findElement(By.id("operator-name")).getText()).isEqualTo("Example Mobile");
        signIn.click();
        WebElement username = waitUpTo(d, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        assertThat(d.getCurrentUrl()).startsWith(issuer + "/login");
        username.sendKeys(user);
        d.findElement(By.id("password")).sendKeys(PASSWORD + Keys.ENTER);
        try {
            waitUpTo(d, 30).until(ExpectedConditions.textToBePresentInElementLocated(By.id("signed-in-as"),
                    "Signed in as " + user));
        } catch (org.openqa.selenium.TimeoutException e) {
            throw new AssertionError("not signed in: at " + d.getCurrentUrl() + "\n" + d.getPageSource()
                    + "\nportal:\n" + portal.output() + "\nauth:\n" + auth.output(), e);
        }
    }

    /** Presses Tab until the focused element reads {@code text}, as a keyboard-only user does. */
    private static WebElement tabTo(WebDriver d, String text) {
        for (int i = 0; i < 30; i++) {
            WebElement focused = d.switchTo().activeElement();
            if (text.equals(focused.getText().strip())) {
                return focused;
            }
            new org.openqa.selenium.interactions.Actions(d).sendKeys(Keys.TAB).perform();
        }
        throw new AssertionError("'" + text + "' cannot be reached with the Tab key");
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

    /** Waits for a confirmation (a notification) that contains {@code text}. */
    private static void notice(WebDriver d, String text) {
        waitUpTo(d, 20).until(x -> x.findElements(By.cssSelector("vaadin-notification-card")).stream()
                .anyMatch(c -> c.getText().contains(text)));
    }

    private static By card(String name) {
        return By.xpath("//div[contains(@class,'device')][.//h3[normalize-space()='" + name + "']]");
    }

    private static String statusOf(WebDriver d, String name) {
        return d.findElement(card(name)).findElement(By.className("device-status")).getText();
    }

    private static void typeInto(WebDriver d, String fieldId, String text) {
        WebElement input = d.findElement(By.cssSelector("#" + fieldId + " input"));
        input.sendKeys(Keys.chord(Keys.CONTROL, "a"), Keys.DELETE);
        input.sendKeys(text);
    }

    @Test
    void aSubscriberManagesTheirWatchInTheBrowser() throws Exception {
        String watch = tel();
        WebDriver d = browser(412, 915); // a phone-sized screen
        String twinningId;
        try {
            signIn(d, "alice");
            waitUpTo(d, 20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("lines"),
                    "Line " + shown(ALICE_PHONE)));
            assertThat(d.findElement(By.id("lines")).getText()).contains("0 of 5 devices");

            // add a device, with the keyboard only: a wrong code first, then the one the watch shows
            tabTo(d, "Add a device").sendKeys(Keys.ENTER);
            waitUpTo(d, 20).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#code input")));
            typeInto(d, "code", "000000");
            d.findElement(By.id("add")).click();
            waitUpTo(d, 20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
                    "That code is wrong, already used or expired."));
            // the line came preselected from "Add a device" on it; the refusal is shown at the code
            assertThat(d.findElement(By.id("line")).getText()).contains(shown(ALICE_PHONE));
            assertThat(d.findElement(By.id("code")).getDomAttribute("invalid")).isNotNull();
            screenshots(d, "portal-add-device");
            // help on finding the code opens from the keyboard
            d.findElement(By.cssSelector("#code-help vaadin-details-summary")).sendKeys(Keys.ENTER);
            waitUpTo(d, 10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("code-help"),
                    "The watch shows six digits."));
            screenshots(d, "portal-add-device-help");
            typeInto(d, "code", codeShownOnTheWatch(watch));
            typeInto(d, "name", "Running watch");
            d.findElement(By.cssSelector("#name input")).sendKeys(Keys.ENTER);
            notice(d, "Running watch (" + shown(watch) + ") is now twinned with " + shown(ALICE_PHONE) + ".");

            // back to the list: the watch is On
            // at the top of the page, scrolled out of view: scrolled back to, as a user does
            WebElement back = d.findElement(By.xpath("//a[normalize-space()='Back to my devices']"));
            ((JavascriptExecutor) d).executeScript("arguments[0].scrollIntoView({block: 'center'})", back);
            waitUpTo(d, 10).until(ExpectedConditions.elementToBeClickable(back)).click();
            waitUpTo(d, 20).until(ExpectedConditions.visibilityOfElementLocated(card("Running watch")));
            waitUpTo(d, 20).until(x -> "On".equals(statusOf(x, "Running watch")));
            String cardText = waitUpTo(d, 20).until(x -> x.findElement(card("Running watch")).getText());
            assertThat(cardText).contains("Number: " + shown(watch), "Network: Example Mobile", "On since ")
                    .doesNotContain("tel:", "MCC", "UTC");
            assertThat(d.findElement(By.id("lines")).getText()).contains("1 of 5 devices");
            String cardId = waitUpTo(d, 20).until(x -> x.findElement(card("Running watch")).getDomAttribute("id"));
            twinningId = cardId.substring("device-".length());
            screenshots(d, "portal-lines");

            // toggle off
            waitUpTo(d, 20).until(x -> {
                x.findElement(By.cssSelector("vaadin-button[aria-label='Turn off Running watch']")).click();
                return true;
            });
            waitUpTo(d, 20).until(x -> "Off".equals(statusOf(x, "Running watch")));

            // rename through the dialog, with the keyboard
            waitUpTo(d, 20).until(x -> {
                x.findElement(By.cssSelector("vaadin-button[aria-label='Rename Running watch']")).click();
                return true;
            });
            waitUpTo(d, 20).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#rename-name input")));
            typeInto(d, "rename-name", "Trail watch");
            d.findElement(By.cssSelector("#rename-name input")).sendKeys(Keys.ENTER);
            waitUpTo(d, 20).until(ExpectedConditions.visibilityOfElementLocated(card("Trail watch")));

            // the line gets a nickname
            waitUpTo(d, 20).until(x -> {
                x.findElement(By.cssSelector("vaadin-button.nickname")).click();
                return true;
            });
            waitUpTo(d, 20).until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#rename-name input")));
            typeInto(d, "rename-name", "My phone");
            d.findElement(By.cssSelector("#rename-name input")).sendKeys(Keys.ENTER);
            waitUpTo(d, 20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("lines"), "My phone"));

            // the watch turns itself back on over REST: the open page follows by server push
            assertThat(watchCalls(watch, "PUT", "/twinnings/" + twinningId + "/twinningStatus",
                    "{\"twinningStatus\":\"On\"}").statusCode()).isEqualTo(200);
            waitUpTo(d, 20).until(x -> "On".equals(statusOf(x, "Trail watch")));

            // history, newest first, with which side did what
            waitUpTo(d, 20).until(x -> {
                x.findElement(card("Trail watch")).findElement(By.xpath(".//a[normalize-space()='History']")).click();
                return true;
            });
            waitUpTo(d, 20).until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#history li.history-entry"),
                    4));
            List<String> history = d.findElements(By.cssSelector("#history li.history-entry")).stream()
                    .map(WebElement::getText).toList();
            assertThat(history.get(0)).matches("[0-9]{2}:[0-9]{2} · Turned on by the device " + shown(watch));
            assertThat(history.get(1)).endsWith("Renamed to Trail watch by the phone " + shown(ALICE_PHONE));
            assertThat(history.get(2)).endsWith("Turned off by the phone " + shown(ALICE_PHONE));
            assertThat(history.get(3)).endsWith("Twinned as Running watch by the phone " + shown(ALICE_PHONE));
            // a heading per day, in the browser's time zone
            assertThat(d.findElements(By.cssSelector("#history h3.history-day"))).isNotEmpty();
            screenshots(d, "portal-history");
        } finally {
            d.quit();
        }

        // Bob sees none of it, even when he asks for Alice's twinning by its id
        WebDriver bob = browser(1280, 900);
        try {
            signIn(bob, "bob");
            waitUpTo(bob, 20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("lines"),
                    "Line " + shown(BOB_PHONE)));
            assertThat(bob.findElement(By.id("lines")).getText()).doesNotContain(shown(ALICE_PHONE), shown(watch),
                    "Trail watch");
            bob.get(portalUrl + "/history/" + twinningId);
            waitUpTo(bob, 20).until(ExpectedConditions.textToBePresentInElementLocated(By.id("message"),
                    "That device is no longer twinned with your line."));
            assertThat(bob.findElements(By.cssSelector("#history li"))).isEmpty();

            // an address that is no page of the portal: the portal's own "not found" page
            bob.get(portalUrl + "/no/such/page");
            waitUpTo(bob, 20).until(ExpectedConditions.visibilityOfElementLocated(By.id("not-found")));
            assertThat(bob.findElement(By.id("not-found")).getText()).isEqualTo("Page not found");
            screenshots(bob, "portal-not-found");
        } finally {
            bob.quit();
        }

        // Alice removes the watch after a confirmation that says what will happen, then signs out
        WebDriver again = browser(1280, 900);
        try {
            signIn(again, "alice");
            waitUpTo(again, 20).until(ExpectedConditions.visibilityOfElementLocated(card("Trail watch")));
            again.findElement(By.cssSelector("vaadin-button[aria-label='Trail watch is lost or stolen']")).click();
            waitUpTo(again, 20).until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("vaadin-confirm-dialog vaadin-button[slot='confirm-button']")));
            String lostWarning = (String) ((JavascriptExecutor) again).executeScript(
                    "const d = document.querySelector('vaadin-confirm-dialog');"
                            + "return (d.header || '') + ' ' + (d.message || d.textContent || '');");
            assertThat(lostWarning).contains("Trail watch is lost or stolen?", "turned off at once", "cannot be undone");
            screenshots(again, "portal-lost");
            again.findElement(By.cssSelector("vaadin-confirm-dialog vaadin-button[slot='cancel-button']")).click();
            waitUpTo(again, 20).until(ExpectedConditions.invisibilityOfElementLocated(
                    By.cssSelector("vaadin-confirm-dialog vaadin-button[slot='confirm-button']")));
            again.findElement(By.cssSelector("vaadin-button[aria-label='Remove Trail watch']")).click();
            WebElement confirm = waitUpTo(again, 20).until(ExpectedConditions.visibilityOfElementLocated(
                    By.cssSelector("vaadin-confirm-dialog vaadin-button[slot='confirm-button']")));
            String dialog = (String) ((JavascriptExecutor) again).executeScript(
                    "const d = document.querySelector('vaadin-confirm-dialog');"
                            + "return (d.header || '') + ' ' + (d.message || d.textContent || '');");
            assertThat(dialog).contains("Remove Trail watch?", shown(watch) + " will stop sharing the number",
                    "cannot be undone");
            screenshots(again, "portal-remove");
            confirm.click();
            notice(again, "Trail watch was removed.");
            screenshots(again, "portal-removed");
            assertThat(again.findElements(card("Trail watch"))).isEmpty();
            assertThat(watchCalls(watch, "GET", "/twinnings/" + twinningId, null).statusCode()).isEqualTo(404);

            // the removed watch's history still opens, from the confirmation
            again.findElement(By.cssSelector("vaadin-notification-card a.removed-history")).click();
            waitUpTo(again, 20).until(ExpectedConditions.numberOfElementsToBe(
                    By.cssSelector("#history li.history-entry"), 5));
            assertThat(again.findElements(By.cssSelector("#history li.history-entry")).get(0).getText())
                    .endsWith("Removed by the phone " + shown(ALICE_PHONE));

            again.findElement(By.id("sign-out")).click();
            waitUpTo(again, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("signed-out")));
            assertThat(again.getCurrentUrl()).isEqualTo(portalUrl + "/signed-out");
            screenshots(again, "portal-signed-out");
            again.get(portalUrl + "/");
            waitUpTo(again, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("sign-in")));
            screenshots(again, "portal-sign-in");
            again.findElement(By.id("sign-in")).click();
            waitUpTo(again, 30).until(ExpectedConditions.visibilityOfElementLocated(By.id("username")));
        } finally {
            again.quit();
        }
    }

    /** The status of GET / with the given session cookie, without following redirects; and where to. */
    private static String visitWithSession(String base, String cookie) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(base + "/"))
                .header("Cookie", "TWINPORTALSESSION=" + cookie).GET().build(), HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.headers().firstValue("Location").orElse("");
    }

    @Test
    void anIdleSessionTimesOutEvenWithThePageOpen() throws Exception {
        WebDriver d = browser(1280, 900);
        try {
            signIn(d, idlePortalUrl, "bob");
            String cookie = d.manage().getCookieNamed("TWINPORTALSESSION").getValue();
            assertThat(visitWithSession(idlePortalUrl, cookie)).startsWith("200");
            // the page stays open (its heartbeats keep coming) but nobody uses it for over a minute
            Thread.sleep(85_000);
            assertThat(visitWithSession(idlePortalUrl, cookie)).startsWith("302").contains("/signin");
        } finally {
            d.quit();
        }
    }
}
