//! `report.html` in a real browser: Debian's Chromium, headless, at a desktop and a phone width.
//! The page must load without a console message or script error, never scroll sideways, show
//! every chart with a size, and show values when the pointer is over a line or a bar (a mouse
//! on the desktop, a touch on the phone).
//!
//! A copy of the report gets two injected scripts: one at the top of `<head>` that collects
//! errors, and `browser_check.js` before `</body>` that checks the page once it has loaded and
//! posts its verdict to the page framing it, which writes it into its DOM for Chromium to dump.
//! The report is framed because headless Chromium's windows are at least 500 pixels wide: the
//! frame is exactly as wide as the screen tested, so the report's viewport is. Screenshots of
//! the frame at both widths are kept in `target/browser-test/` (`docs/make-gallery.sh` copies
//! them to `docs/img/`).
//!
//! Chromium is required: without it the test fails and says how to install it (`.ci/run`
//! installs it on CI).

use crate::cli::backlog;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Collects errors from the start: uncaught exceptions, rejected promises, `console.error`.
const ERRORS: &str = "<script>window.__reportErrors=[];\
addEventListener('error',function(e){__reportErrors.push(String(e.message))});\
addEventListener('unhandledrejection',function(e){__reportErrors.push(String(e.reason))});\
(function(){var f=console.error;console.error=function(){\
__reportErrors.push(Array.prototype.join.call(arguments,' '));f.apply(console,arguments)}})();</script>";

/// Checks the loaded page and writes `<pre id="browser-verdict">`.
const CHECK: &str = include_str!("browser_check.js");

/// The page that frames the report at `width`×`height` and writes the verdict it posts.
fn frame(width: u32, height: u32) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><style>body{{margin:0}}iframe{{border:0;display:block}}\
         </style></head><body>\n<iframe src=\"report.html\" style=\"width:{width}px;height:{height}px\"></iframe>\n\
         <script>addEventListener('message',function(e){{var pre=document.createElement('pre');\
         pre.id='browser-verdict';pre.textContent=String(e.data);document.body.appendChild(pre)}});</script>\n\
         </body></html>\n"
    )
}

/// Headless Chromium's narrowest window, pixels.
const MIN_WINDOW_WIDTH: u32 = 500;

/// The longest Chromium may take for one page.
const TIMEOUT: Duration = Duration::from_secs(90);

/// Chromium: `$CHROMIUM` if set, else `chromium` or `chromium-browser` on the PATH.
fn chromium() -> PathBuf {
    if let Some(path) = std::env::var_os("CHROMIUM") {
        return PathBuf::from(path);
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    std::env::split_paths(&path)
        .flat_map(|dir| [dir.join("chromium"), dir.join("chromium-browser")])
        .find(|candidate| candidate.is_file())
        .unwrap_or_else(|| {
            panic!(
                "Chromium is not installed, and the browser test of report.html needs it: install \
                 Debian's package (`sudo apt-get install chromium`; .ci/run does this on CI) or set \
                 CHROMIUM to a Chromium binary"
            )
        })
}

/// Where the screenshots are kept: `target/browser-test/`.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("the target folder")
        .join("browser-test");
    std::fs::create_dir_all(&dir).expect("artifact folder");
    dir
}

/// The report of a short run of the Tijuana scenario (dated, with policy markers), with the
/// checks injected, as `report.html` in `dir`; returns `dir`.
fn instrumented_report(dir: &Path) -> PathBuf {
    instrumented_report_of(dir, &["scenarios/tijuana-2018.toml", "--replications", "3"])
}

/// [`instrumented_report`] of `backlog run RUN`.
fn instrumented_report_of(dir: &Path, run: &[&str]) -> PathBuf {
    let results = dir.join("results");
    backlog()
        .arg("run")
        .args(run)
        .args(["--quiet", "--report", "--out"])
        .arg(&results)
        .assert()
        .success();
    let html = std::fs::read_to_string(results.join("report.html")).expect("report.html");
    let end = html.rfind("</body>").expect("the report ends its body");
    let checked = format!("{}<script>\n{CHECK}</script>\n{}", &html[..end], &html[end..]).replacen(
        "<head>",
        &format!("<head>\n{ERRORS}"),
        1,
    );
    std::fs::write(dir.join("report.html"), checked).expect("instrumented copy");
    dir.to_path_buf()
}

/// Loads the report in `dir` at `width`×`height` pixels, saves a screenshot to `png` and
/// returns the verdict and the console lines Chromium logged.
fn load(dir: &Path, width: u32, height: u32, png: &Path) -> (Value, Vec<String>) {
    let page = dir.join(format!("frame-{width}.html"));
    std::fs::write(&page, frame(width, height)).expect("framing page");
    let scratch = dir;
    let profile = scratch.join(format!("profile-{width}"));
    let stdout = scratch.join(format!("dom-{width}.html"));
    let stderr = scratch.join(format!("log-{width}.txt"));
    let mut child = Command::new(chromium())
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--window-size={},{height}", width.max(MIN_WINDOW_WIDTH)))
        .arg(format!("--screenshot={}", png.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&stdout).expect("DOM file"))
        .stderr(std::fs::File::create(&stderr).expect("log file"))
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start Chromium ({}): {e}", chromium().display()));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("Chromium runs") {
            break status;
        }
        if started.elapsed() > TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!("Chromium took more than {TIMEOUT:?} to load the report at {width} px");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let log = std::fs::read_to_string(&stderr).unwrap_or_default();
    assert!(status.success(), "Chromium failed at {width} px ({status}):\n{log}");
    let dom = std::fs::read_to_string(&stdout).expect("the dumped DOM");
    let start = dom
        .rfind("<pre id=\"browser-verdict\"")
        .and_then(|at| dom[at..].find('>').map(|end| at + end + 1))
        .unwrap_or_else(|| panic!("no verdict in the page at {width} px: the check did not finish\n{log}"));
    let end = start + dom[start..].find("</pre>").expect("the verdict ends");
    let json = dom[start..end]
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&");
    let verdict = serde_json::from_str(&json).unwrap_or_else(|e| panic!("verdict {json}: {e}"));
    let console = log
        .lines()
        .filter(|line| line.contains(":CONSOLE"))
        .map(str::to_owned)
        .collect();
    crop(png, width);
    (verdict, console)
}

/// Crops the screenshot at `path` to its left `width` pixels (the frame).
fn crop(path: &Path, width: u32) {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("no screenshot {}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .expect("the screenshot is a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut pixels).expect("one frame");
    if info.width <= width {
        return;
    }
    assert_eq!(info.bit_depth, png::BitDepth::Eight, "{}", path.display());
    let channels = info.color_type.samples();
    let cropped: Vec<u8> = pixels[..info.buffer_size()]
        .chunks_exact(info.line_size)
        .flat_map(|row| &row[..width as usize * channels])
        .copied()
        .collect();
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, info.height);
        encoder.set_color(info.color_type);
        encoder.set_depth(png::BitDepth::Eight);
        let mut writer = encoder.write_header().expect("PNG header");
        writer.write_image_data(&cropped).expect("PNG data");
    }
    std::fs::write(path, out).expect("cropped screenshot");
}

fn number(value: &Value, key: &str) -> f64 {
    value[key]
        .as_f64()
        .unwrap_or_else(|| panic!("{key} is a number in {value}"))
}

/// Checks one width's verdict.
fn check(width: u32, verdict: &Value, console: &[String]) {
    assert!(console.is_empty(), "console messages at {width} px: {console:#?}");
    let errors = verdict["errors"].as_array().expect("errors");
    assert!(errors.is_empty(), "script errors at {width} px: {errors:?}");
    assert_eq!(number(verdict, "innerWidth"), f64::from(width), "{verdict}");
    for key in ["scrollWidth", "scrollWidthAfter"] {
        assert!(
            number(verdict, key) <= number(verdict, "clientWidth"),
            "the page scrolls sideways at {width} px ({key}): {verdict}"
        );
    }
    // Each chart is drawn wide and narrow: one of them is shown, the narrow one on a phone.
    let charts = verdict["charts"].as_array().expect("charts");
    let expected = if width < 560 { "chart narrow" } else { "chart wide" };
    for id in ["backlog", "waits", "quoted", "outcomes"] {
        let shown: Vec<&Value> = charts
            .iter()
            .filter(|c| c["id"] == id && c["visible"].as_bool() == Some(true))
            .collect();
        assert_eq!(shown.len(), 1, "{id}: one chart shown at {width} px: {verdict}");
        let chart = shown[0];
        assert_eq!(chart["class"], expected, "{chart}");
        assert!(
            number(chart, "width") >= 300.0 && number(chart, "height") >= 150.0,
            "chart too small at {width} px: {chart}"
        );
        assert!(
            number(chart, "boxWidth") <= f64::from(width),
            "chart box wider than the page at {width} px: {chart}"
        );
    }
    let hovers = verdict["hovers"].as_array().expect("hovers");
    let tip = |chart: &str| -> &str {
        let hover = hovers
            .iter()
            .find(|h| h["chart"] == chart)
            .unwrap_or_else(|| panic!("no hover over {chart}: {verdict}"));
        assert!(
            hover["onChart"].as_bool() == Some(true),
            "the point is not on the chart: {hover}"
        );
        let pointer = if width < 560 { "touch" } else { "mouse" };
        assert_eq!(hover["pointer"], pointer, "{hover}");
        assert!(
            hover["tipInside"].as_bool() == Some(true),
            "tooltip outside the page: {hover}"
        );
        let text = hover["tip"].as_str().expect("tip");
        assert!(
            text.chars().any(|c| c.is_ascii_digit()),
            "no value shown over {chart} at {width} px: {hover}"
        );
        text
    };
    // The line: a date of the run and the median with its bands.
    let line = tip("backlog");
    assert!(
        line.contains("2019") && line.contains("median: ") && line.contains("90% of runs: "),
        "{line}"
    );
    // A bin of the histogram, and a bar of where people went, with their categories.
    let bin = tip("waits");
    assert!(bin.contains("waited ") && bin.contains("processed: "), "{bin}");
    let bar = tip("outcomes");
    assert!(
        bar.starts_with("Processed") && bar.contains("people per run: "),
        "{bar}"
    );
}

#[test]
fn the_report_works_in_a_browser_on_a_desktop_and_a_phone() {
    let browser = chromium();
    let scratch = tempfile::tempdir().expect("temporary folder");
    let dir = instrumented_report(scratch.path());
    let out = artifacts();
    for (width, height) in [(1280, 1000), (390, 844)] {
        let png = out.join(format!("report-{width}.png"));
        let _ = std::fs::remove_file(&png);
        let (verdict, console) = load(&dir, width, height, &png);
        check(width, &verdict, &console);
        let bytes = std::fs::read(&png).unwrap_or_else(|e| panic!("{} ({}): {e}", png.display(), browser.display()));
        assert!(bytes.starts_with(b"\x89PNG"), "{} is a PNG", png.display());
    }
}

/// The report of a network shows its flow and node charts, one drawing of each at each width,
/// with the checks every report passes.
#[test]
fn the_report_of_a_network_works_in_a_browser_on_a_desktop_and_a_phone() {
    chromium();
    let scratch = tempfile::tempdir().expect("temporary folder");
    let run = [
        "tests/networks/port-to-court.toml",
        "--replications",
        "2",
        "--set",
        "run.horizon_days=120",
        "--set",
        "streams.pending_cases.people=2000",
    ];
    let dir = instrumented_report_of(scratch.path(), &run);
    for (width, height) in [(1280, 1000), (390, 844)] {
        let png = scratch.path().join(format!("network-{width}.png"));
        let (verdict, console) = load(&dir, width, height, &png);
        check(width, &verdict, &console);
        let charts = verdict["charts"].as_array().expect("charts");
        for id in ["flows", "nodes"] {
            let shown: Vec<&Value> = charts
                .iter()
                .filter(|c| c["id"] == id && c["visible"].as_bool() == Some(true))
                .collect();
            assert_eq!(shown.len(), 1, "{id}: one chart shown at {width} px: {verdict}");
            assert!(
                number(shown[0], "width") >= 300.0 && number(shown[0], "boxWidth") <= f64::from(width),
                "{id} at {width} px: {}",
                shown[0]
            );
        }
    }
}
