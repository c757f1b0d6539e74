//! Charts and the HTML report end to end: `run --charts --report`, `chart`, `chart --compare`
//! and `report`, with no system fonts in reach.

use crate::cli::{backlog, project_root};
use crate::common::assert_no_temporary_files;
use predicates::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const KINDS: [&str; 4] = ["backlog", "waits", "quoted", "outcomes"];

/// fontconfig cannot find its configuration: text must come from the embedded font.
pub(crate) const NO_FONTCONFIG: (&str, &str) = ("FONTCONFIG_FILE", "/nonexistent/fonts.conf");

/// A folder of the test build that the tests can use and leave behind.
pub(crate) fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("charts").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

/// Runs `backlog run --quiet --replications 4 FLAGS --out DIR` on the default scenario with
/// fontconfig out of reach, the first time `folder` is asked for, into `results` under the
/// scratch folder `name`; returns DIR.
fn run_once(folder: &'static OnceLock<PathBuf>, name: &str, flags: &[&str]) -> &'static Path {
    folder.get_or_init(|| {
        let dir = scratch(name).join("results");
        backlog()
            .env(NO_FONTCONFIG.0, NO_FONTCONFIG.1)
            .args(["run", "--quiet", "--replications", "4"])
            .args(flags)
            .arg("--out")
            .arg(&dir)
            .assert()
            .success();
        dir
    })
}

/// Runs the default scenario once (4 replications) with `--charts --report`, fontconfig out of
/// reach; every test reads this folder and writes elsewhere.
fn results() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    run_once(&DIR, "default", &["--charts", "--report"])
}

/// A second folder: the same scenario with another seed.
fn other_results() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    run_once(&DIR, "other", &["--seed", "7"])
}

pub(crate) struct Image {
    pub(crate) width: u32,
    pub(crate) height: u32,
    rgb: Vec<u8>,
}

pub(crate) fn decode_png(path: &Path) -> Image {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut reader = png::Decoder::new(std::io::Cursor::new(bytes))
        .read_info()
        .unwrap_or_else(|e| panic!("{} is a PNG: {e}", path.display()));
    let mut buffer = vec![0; reader.output_buffer_size().expect("buffer size")];
    let info = reader.next_frame(&mut buffer).expect("one frame");
    assert_eq!(info.color_type, png::ColorType::Rgb, "{}", path.display());
    assert_eq!(info.bit_depth, png::BitDepth::Eight, "{}", path.display());
    buffer.truncate(info.buffer_size());
    Image {
        width: info.width,
        height: info.height,
        rgb: buffer,
    }
}

/// Variance of luminance over the pixels of rows `rows` (0-255 scale).
fn luminance_variance(image: &Image, rows: std::ops::Range<u32>) -> f64 {
    let row_len = image.width as usize * 3;
    let values: Vec<f64> = image.rgb[rows.start as usize * row_len..rows.end as usize * row_len]
        .chunks_exact(3)
        .map(|p| 0.299 * f64::from(p[0]) + 0.587 * f64::from(p[1]) + 0.114 * f64::from(p[2]))
        .collect();
    let mean = values.iter().sum::<f64>() / values.len() as f64;
    values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / values.len() as f64
}

pub(crate) fn assert_not_blank(path: &Path, image: &Image) {
    let variance = luminance_variance(image, 0..image.height);
    assert!(
        variance > 200.0,
        "{} looks blank: luminance variance {variance}",
        path.display()
    );
    let inked = image.rgb.chunks_exact(3).filter(|p| p.iter().any(|&c| c < 200)).count();
    let share = inked as f64 / f64::from(image.width * image.height);
    assert!(share > 0.02, "{} has almost nothing drawn: {share}", path.display());
}

/// The text of every `<text>` element of an SVG (entities left as they are).
pub(crate) fn svg_texts(svg: &str) -> Vec<String> {
    svg.split("<text")
        .skip(1)
        .filter_map(|rest| {
            let start = rest.find('>')? + 1;
            let end = rest.find("</text>")?;
            Some(rest[start..end].trim().to_owned())
        })
        .collect()
}

pub(crate) fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn run_writes_every_chart_in_both_formats_and_the_report() {
    let dir = results();
    for kind in KINDS {
        for extension in ["png", "svg"] {
            let path = dir.join(format!("{kind}.{extension}"));
            assert!(path.is_file(), "{} written", path.display());
        }
        let image = decode_png(&dir.join(format!("{kind}.png")));
        assert_eq!((image.width, image.height), (1200, 675), "{kind}.png size");
        assert_not_blank(&dir.join(format!("{kind}.png")), &image);
    }
    assert!(dir.join("report.html").is_file());
    assert!(dir.join("markers.csv").is_file());
    assert_no_temporary_files(dir);
}

#[test]
fn svgs_keep_titles_and_axis_labels_as_text() {
    let expected: [(&str, &[&str]); 4] = [
        (
            "backlog",
            &[
                "People waiting on the list",
                "People on the list",
                "Date",
                "Nov 2018",
                "Simulated with backlog v",
            ],
        ),
        (
            "waits",
            &[
                "How long people waited",
                "Processed: people per bin (average per run)",
                "Processed within this wait",
                "Still waiting at the end: by wait so far",
                "Half waited",
            ],
        ),
        (
            "quoted",
            &["The wait a newcomer would be quoted", "Quoted wait, ", "Date"],
        ),
        (
            "outcomes",
            &["Where people went", "Processed", "Still waiting", "Left: returned_home"],
        ),
    ];
    for (kind, texts) in expected {
        let svg = read(&results().join(format!("{kind}.svg")));
        assert!(
            svg.starts_with("<svg") || svg.starts_with("<?xml"),
            "{kind}.svg is an SVG"
        );
        let found = svg_texts(&svg);
        for text in texts {
            assert!(
                found.iter().any(|t| t.starts_with(text)),
                "{kind}.svg has no <text> starting with {text:?}; it has {found:?}"
            );
        }
        let source = found
            .iter()
            .find(|t| t.starts_with("Simulated with backlog v"))
            .expect("source line");
        assert!(
            source.contains(
                "scenario Tijuana 2018 caravan (built-in scenario tijuana-2018); seed 20181113; 4 replications"
            ),
            "{source}"
        );
        assert!(svg.contains("DejaVu Sans"), "{kind}.svg names its font");
    }
    // Policy markers are drawn on time charts (labels or a numbered key).
    let backlog = svg_texts(&read(&results().join("backlog.svg")));
    assert!(
        backlog.iter().any(|t| t.contains("cut to 20/day")),
        "the Jan 25 2019 cut is labelled: {backlog:?}"
    );
}

#[test]
fn a_png_is_drawn_at_the_requested_size() {
    let out = scratch("size");
    backlog()
        .args([
            "chart", "--kind", "backlog", "--format", "png", "--size", "800x450", "--out",
        ])
        .arg(&out)
        .arg(results())
        .assert()
        .success()
        .stdout(predicate::str::contains("backlog.png"));
    let image = decode_png(&out.join("backlog.png"));
    assert_eq!((image.width, image.height), (800, 450));
    assert_not_blank(&out.join("backlog.png"), &image);
    assert!(!out.join("backlog.svg").exists(), "--format png writes no SVG");
}

#[test]
fn text_is_drawn_with_the_embedded_font_when_fontconfig_is_out_of_reach() {
    let out = scratch("fonts");
    for (folder, title) in [("a", "First title"), ("b", "Another, longer title")] {
        backlog()
            .env(NO_FONTCONFIG.0, NO_FONTCONFIG.1)
            .args([
                "chart", "--kind", "waits", "--format", "png", "--size", "600x338", "--title", title, "--out",
            ])
            .arg(out.join(folder))
            .arg(results())
            .assert()
            .success();
    }
    let a = decode_png(&out.join("a/waits.png"));
    let b = decode_png(&out.join("b/waits.png"));
    // The title band (top 60 pixels) holds ink, and differs with the title's text.
    assert!(luminance_variance(&a, 0..60) > 100.0, "the title is drawn");
    let row_len = a.width as usize * 3;
    assert_ne!(
        a.rgb[..60 * row_len],
        b.rgb[..60 * row_len],
        "the title's text is drawn"
    );
    assert_eq!(a.rgb[200 * row_len..], b.rgb[200 * row_len..], "only the title differs");
}

#[test]
fn the_binary_links_neither_fontconfig_nor_freetype() {
    let binary = assert_cmd::cargo::cargo_bin("backlog");
    let bytes = std::fs::read(&binary).expect("the binary");
    for library in ["libfontconfig", "libfreetype"] {
        assert!(
            !bytes.windows(library.len()).any(|w| w == library.as_bytes()),
            "{} mentions {library}",
            binary.display()
        );
    }
    match std::process::Command::new("ldd").arg(&binary).output() {
        Ok(output) if output.status.success() => {
            let libraries = String::from_utf8_lossy(&output.stdout);
            assert!(!libraries.contains("fontconfig"), "{libraries}");
            assert!(!libraries.contains("freetype"), "{libraries}");
        }
        _ => eprintln!("ldd is not available: checked the binary's bytes only"),
    }
}

#[test]
fn the_same_folder_gives_byte_identical_svgs() {
    let out = scratch("again");
    backlog()
        .args(["chart", "--format", "svg", "--out"])
        .arg(&out)
        .arg(results())
        .assert()
        .success();
    for kind in KINDS {
        let name = format!("{kind}.svg");
        assert!(
            std::fs::read(out.join(&name)).expect("redrawn") == std::fs::read(results().join(&name)).expect("drawn"),
            "{name} differs when drawn again"
        );
    }
}

#[test]
fn a_missing_folder_or_file_is_named() {
    let out = scratch("missing");
    backlog()
        .args(["chart"])
        .arg(out.join("nowhere"))
        .assert()
        .code(2)
        .stderr(predicate::str::contains("no results folder"))
        .stderr(predicate::str::contains("nowhere"));
    let partial = out.join("partial");
    std::fs::create_dir_all(&partial).expect("folder");
    for name in ["summary.json", "daily.csv", "scenario.toml"] {
        std::fs::copy(results().join(name), partial.join(name)).expect("copy");
    }
    backlog()
        .args(["chart"])
        .arg(&partial)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("has no waits.csv"));
    backlog()
        .args(["report"])
        .arg(&partial)
        .assert()
        .code(2)
        .stderr(predicate::str::contains("waits.csv"));
    assert!(
        !partial.join("backlog.png").exists(),
        "nothing drawn from a partial folder"
    );
}

#[test]
fn bad_flags_are_input_errors() {
    for size in ["big", "1200", "10x10", "1200x675x2"] {
        backlog()
            .args(["chart", "--size", size])
            .arg(results())
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--size must be WIDTHxHEIGHT"));
    }
    backlog()
        .args(["run", "--quiet", "--replications", "2", "--charts"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--charts needs --out"));
    backlog()
        .args(["chart", "--labels", "a,b,c", "--compare"])
        .arg(results())
        .arg(other_results())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("3 labels for 2 folders"));
}

#[test]
fn comparisons_overlay_folders_with_a_legend() {
    let out = scratch("compare");
    backlog()
        .args(["chart", "--format", "svg", "--labels", "Seed 20181113,Seed 7", "--out"])
        .arg(&out)
        .arg("--compare")
        .arg(results())
        .arg(other_results())
        .assert()
        .success()
        .stdout(predicate::str::contains("compare-backlog.svg"));
    for kind in KINDS {
        let texts = svg_texts(&read(&out.join(format!("compare-{kind}.svg"))));
        for label in ["Seed 20181113", "Seed 7"] {
            assert!(
                texts.iter().any(|t| t == label),
                "compare-{kind}.svg has no legend {label}: {texts:?}"
            );
        }
        // The source line may wrap, between its parts.
        let all = texts.join(" ");
        assert!(
            all.contains("seed 20181113") && all.contains("seed 7"),
            "compare-{kind}.svg has the source of both folders"
        );
    }
    backlog()
        .args([
            "chart", "--kind", "backlog", "--format", "png", "--size", "600x338", "--out",
        ])
        .arg(&out)
        .arg("--compare")
        .arg(results())
        .arg(other_results())
        .assert()
        .success();
    let image = decode_png(&out.join("compare-backlog.png"));
    assert_not_blank(&out.join("compare-backlog.png"), &image);
}

#[test]
fn the_report_is_one_self_contained_file_with_every_chart() {
    let html = read(&results().join("report.html"));
    for forbidden in [
        "http:",
        "https:",
        "src=",
        "<link",
        "@import",
        "url(",
        "fetch(",
        "XMLHttpRequest",
    ] {
        assert!(!html.contains(forbidden), "report.html contains {forbidden:?}");
    }
    assert_eq!(html.matches("<script").count(), 1, "one inline script");
    assert_eq!(
        html.matches("<svg").count(),
        2 * KINDS.len(),
        "each chart drawn wide and narrow"
    );
    for kind in KINDS {
        assert!(html.contains(&format!("<section id=\"{kind}\">")), "section {kind}");
        // Each chart is in a box that says where its plot is, and has its data to download.
        let section = &html[html.find(&format!("<section id=\"{kind}\">")).expect("section")..];
        let section = &section[..section.find("</section>").expect("end of section")];
        for class in ["wide", "narrow"] {
            assert!(
                section.contains(&format!("<div class=\"chart {class}\" data-hover=")),
                "{kind}: {class}"
            );
        }
        assert_eq!(section.matches(" data-plot=\"").count(), 2, "{kind}");
        assert_eq!(section.matches(" data-x=\"").count(), 2, "{kind}");
        let link = format!("download=\"tijuana-2018-caravan-{kind}.csv\" href=\"data:text/csv;charset=utf-8,");
        assert!(section.contains(&link), "{kind}: data link");
        // The heading is the HTML one: the chart is drawn without its own title.
        let h2 = &section[section.find("<h2").expect("a heading")..];
        let heading = &h2[h2.find('>').expect("tag") + 1..h2.find("</h2>").expect("end of heading")];
        assert_eq!(section.matches(heading).count(), 1, "{kind}: {heading:?} shown once");
    }
    // The data is plain CSV: a header line, then numbers, none of them commented.
    let link = "download=\"tijuana-2018-caravan-backlog.csv\" href=\"";
    let start = html.find(link).expect("link") + link.len();
    let uri = &html[start..start + html[start..].find('"').expect("end")];
    let csv = percent_decode(uri.strip_prefix("data:text/csv;charset=utf-8,").expect("data address"));
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("day,date,p5,p25,p50,p75,p95,names_on_list_p50"),
        "{csv}"
    );
    let first: Vec<&str> = lines.next().expect("a row").split(',').collect();
    assert_eq!(first[..2], ["0", "2018-11-01"]);
    assert!(first[2..].iter().all(|v| v.parse::<f64>().is_ok()), "{first:?}");
    assert!(!csv.contains('#'));
    for text in [
        "People waiting on the list",
        "Where people went",
        "<table class=\"summary\">",
        "Wait of people processed",
        "schema = 1",
        "Simulated with backlog v",
        "20181113",
        // The summary's lines are the table's: shares, names outliving people, list numbers,
        // streams.
        "waited at all",
        "names on it at the end",
        "list numbers",
        "By stream",
        "&nbsp;&nbsp;left: ",
    ] {
        assert!(html.contains(text), "report.html lacks {text:?}");
    }
    // `backlog report` writes the same file again.
    let out = scratch("report").join("report.html");
    backlog()
        .args(["report", "--out"])
        .arg(&out)
        .arg(results())
        .assert()
        .success();
    assert!(read(&out) == html, "report.html is deterministic");
}

/// `%2C` → `,`, bytes in UTF-8.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            out.push(u8::from_str_radix(&text[i + 1..i + 3], 16).expect("hex"));
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).expect("UTF-8")
}

/// Charts are drawn from the folder's data files only: a folder without markers.csv (written
/// before it existed) is drawn without policy markers, with a note, and its scenario.toml is
/// never validated again.
#[test]
fn folders_without_markers_csv_are_drawn_without_markers() {
    let out = scratch("old-folder");
    let old = out.join("results");
    std::fs::create_dir_all(&old).expect("folder");
    for name in ["summary.json", "daily.csv", "waits.csv", "scenario.toml"] {
        std::fs::copy(results().join(name), old.join(name)).expect("copy");
    }
    backlog()
        .args(["chart", "--kind", "backlog", "--format", "svg"])
        .arg(&old)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "has no markers.csv: charts are drawn without policy markers",
        ));
    assert!(
        !svg_texts(&read(&old.join("backlog.svg")))
            .iter()
            .any(|t| t.contains("cut to 20/day")),
        "no markers"
    );
}

/// Runs `backlog sweep` with `args` into a fresh scratch folder `name` (fontconfig out of reach)
/// and returns the folder.
fn sweep_into(name: &str, args: &[&str]) -> PathBuf {
    let out = scratch(name).join("sweep");
    backlog()
        .env(NO_FONTCONFIG.0, NO_FONTCONFIG.1)
        .args(["sweep", "--quiet"])
        .args(args)
        .arg("--out")
        .arg(&out)
        .assert()
        .success();
    out
}

/// Fails the test unless one of the `<text>` elements of sweep.svg starts with `expected`.
fn assert_sweep_text(texts: &[String], expected: &str) {
    assert!(
        texts.iter().any(|t| t == expected || t.starts_with(expected)),
        "sweep.svg has no <text> {expected:?}: {texts:?}"
    );
}

#[test]
fn sweep_out_draws_the_chosen_metric_against_the_parameter_with_its_interval() {
    // Ciudad Juárez for 60 days at 30 to 50 a day: the mean wait, with a band (4 runs).
    let out = sweep_into(
        "sweep-juarez",
        &[
            "scenarios/juarez-2019.toml",
            "-r",
            "4",
            "--set",
            "run.horizon_days=60",
            "--param",
            "ports.ciudad_juarez.capacity.quota_per_day",
            "--values",
            "30,40,50",
            "--chart-metric",
            "wait-mean",
        ],
    );
    for file in [
        "sweep.csv",
        "sweep.json",
        "sweep.png",
        "sweep.svg",
        "quota_per_day=40/summary.json",
    ] {
        assert!(out.join(file).is_file(), "{file} written");
    }
    let png = std::fs::read(out.join("sweep.png")).expect("sweep.png");
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "sweep.png is a PNG");
    let image = decode_png(&out.join("sweep.png"));
    assert_eq!((image.width, image.height), (1200, 675));
    assert_not_blank(&out.join("sweep.png"), &image);

    let svg = read(&out.join("sweep.svg"));
    assert!(
        svg.starts_with("<svg") || svg.starts_with("<?xml"),
        "sweep.svg is an SVG"
    );
    let texts = svg_texts(&svg);
    for expected in [
        "Mean wait of people processed, by quota (port ciudad_juarez)",
        "Base scenario: Ciudad Juarez 2018-19, with quota (port ciudad_juarez) varied",
        "Wait, days (mean)",
        "Quota, people a day (port ciudad_juarez)",
        "30",
        "40",
        "50",
        "Mean of 4 runs",
        "95% confidence interval of the mean",
        "Simulated with backlog v",
    ] {
        assert_sweep_text(&texts, expected);
    }
    assert!(svg.contains("<polygon"), "the 95% band is drawn");
    assert_eq!(
        svg.matches("<circle").count(),
        2 * 3,
        "a marker (dot on a white ring) per point"
    );
    assert_no_temporary_files(&out);

    // The chart does not depend on the number of threads.
    let again = sweep_into(
        "sweep-juarez-1-thread",
        &[
            "scenarios/juarez-2019.toml",
            "-r",
            "4",
            "--threads",
            "1",
            "--set",
            "run.horizon_days=60",
            "--param",
            "ports.ciudad_juarez.capacity.quota_per_day",
            "--values",
            "30,40,50",
            "--chart-metric",
            "wait_mean",
        ],
    );
    assert!(
        read(&again.join("sweep.svg")) == svg,
        "sweep.svg is the same with one thread"
    );
}

#[test]
fn a_sweep_grid_draws_one_line_per_value_of_the_second_parameter() {
    // No --chart-metric: the 90th-percentile wait.
    let out = sweep_into(
        "sweep-grid",
        &[
            "scenarios/deterministic.toml",
            "--param",
            "ports.port.capacity.quota_per_day",
            "--values",
            "100,150,200",
            "--param",
            "ports.port.discipline",
            "--values",
            "fifo,lifo",
        ],
    );
    let texts = svg_texts(&read(&out.join("sweep.svg")));
    for expected in [
        "90th-percentile wait of people processed, by quota (port port)",
        "Base scenario: Deterministic check, with quota and order of service (port port) varied",
        "Wait, days (90th percentile)",
        "Quota, people a day (port port)",
        "Order of service: fifo",
        "Order of service: lifo",
        "100",
        "150",
        "200",
    ] {
        assert_sweep_text(&texts, expected);
    }
    let image = decode_png(&out.join("sweep.png"));
    assert_not_blank(&out.join("sweep.png"), &image);

    // Values that are not numbers along the horizontal axis are categories.
    let out = sweep_into(
        "sweep-categories",
        &[
            "scenarios/deterministic.toml",
            "--param",
            "ports.port.discipline",
            "--values",
            "fifo,lifo",
            "--chart-metric",
            "p50",
        ],
    );
    let texts = svg_texts(&read(&out.join("sweep.svg")));
    for expected in ["fifo", "lifo", "Wait, days (median)", "Order of service (port port)"] {
        assert!(texts.iter().any(|t| t == expected), "{expected:?}: {texts:?}");
    }
}

#[test]
fn a_sweep_chart_takes_the_user_s_title_subtitle_and_x_label() {
    let out = sweep_into(
        "sweep-own-text",
        &[
            "scenarios/deterministic.toml",
            "--param",
            "ports.port.capacity.quota_per_day",
            "--values",
            "100,200",
            "--title",
            "Waits fall as the quota rises",
            "--subtitle",
            "Deterministic check, 100 runs at each quota",
            "--x-label",
            "Quota at Puerto Uno, people a day",
        ],
    );
    let texts = svg_texts(&read(&out.join("sweep.svg")));
    for expected in [
        "Waits fall as the quota rises",
        "Deterministic check, 100 runs at each quota",
        "Quota at Puerto Uno, people a day",
    ] {
        assert!(texts.iter().any(|t| t == expected), "{expected:?}: {texts:?}");
    }
    assert!(
        !texts
            .iter()
            .any(|t| t.contains("by quota") || t.contains("Base scenario")),
        "the chart's own title and subtitle are replaced: {texts:?}"
    );
    // The data files do not depend on the chart's text.
    let plain = sweep_into(
        "sweep-own-text-plain",
        &[
            "scenarios/deterministic.toml",
            "--param",
            "ports.port.capacity.quota_per_day",
            "--values",
            "100,200",
        ],
    );
    for file in ["sweep.csv", "sweep.json"] {
        assert!(read(&out.join(file)) == read(&plain.join(file)), "{file}");
    }
}

#[test]
fn sweep_chart_text_of_more_than_one_line_or_without_out_is_refused_before_anything_runs() {
    let out = scratch("sweep-bad-text").join("sweep");
    for flag in ["--title", "--subtitle", "--x-label"] {
        backlog()
            .args(["sweep", "scenarios/deterministic.toml", "--quiet"])
            .args(["--param", "run.seed", "--values", "1,2", flag, "two\nlines", "--out"])
            .arg(&out)
            .assert()
            .code(2)
            .stderr(predicate::str::contains(format!("{flag} must be one line of text")));
        assert!(!out.exists(), "nothing written");
        backlog()
            .args(["sweep", "scenarios/deterministic.toml", "--quiet"])
            .args(["--param", "run.seed", "--values", "1,2", flag, "One line"])
            .assert()
            .code(2)
            .stderr(predicate::str::contains("--out <DIR>"));
    }
}

/// Runs a sweep of two seeds of the deterministic scenario into `out` with `--chart-metric
/// METRIC`, and asserts that it fails as bad input.
fn sweep_with_bad_chart_metric(metric: &str, out: &Path) -> assert_cmd::assert::Assert {
    backlog()
        .args(["sweep", "scenarios/deterministic.toml", "--quiet"])
        .args([
            "--param",
            "run.seed",
            "--values",
            "1,2",
            "--chart-metric",
            metric,
            "--out",
        ])
        .arg(out)
        .assert()
        .code(2)
}

#[test]
fn sweep_chart_metrics_are_checked_before_anything_runs() {
    let out = scratch("sweep-bad-metric").join("sweep");
    sweep_with_bad_chart_metric("wait_p95", &out)
        .stderr(predicate::str::contains("unknown --chart-metric `wait_p95`"))
        .stderr(predicate::str::contains("`wait_p90`"))
        .stderr(predicate::str::contains("`peak_list`"));
    assert!(!out.exists(), "nothing written");
    sweep_with_bad_chart_metric("throughput", &out).stderr(predicate::str::contains("the metrics are `processed`, "));
    backlog()
        .args(["sweep", "scenarios/deterministic.toml", "--quiet"])
        .args(["--param", "run.seed", "--values", "1,2", "--chart-metric", "p90"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--chart-metric needs --out"));
}

#[test]
fn a_sweep_with_more_lines_than_colours_writes_its_data_and_says_why_there_is_no_chart() {
    let out = scratch("sweep-many-lines").join("sweep");
    backlog()
        .args(["sweep", "scenarios/deterministic.toml"])
        .args(["--param", "ports.port.capacity.quota_per_day", "--values", "100,200"])
        .args(["--param", "run.seed", "--range", "1:8:1", "--out"])
        .arg(&out)
        .assert()
        .success()
        .stderr(predicate::str::contains(
            "no sweep chart: the second --param run.seed has 8 values, more than the 7 lines a chart can tell apart",
        ));
    assert!(out.join("sweep.csv").is_file());
    assert!(!out.join("sweep.png").exists() && !out.join("sweep.svg").exists());
}

/// Horizons past `MAX_SERIES_ROWS` days keep daily counts in rows of several days: daily.csv
/// then steps by that many days, flows stay per day, and the charts still draw on a day axis.
#[test]
fn very_long_horizons_write_and_chart_coarser_rows() {
    let dir = scratch("long-horizon");
    let scenario = dir.join("long.toml");
    std::fs::write(
        &scenario,
        "schema = 1\n[run]\nname = \"long\"\nhorizon_days = 40000\nseed = 7\nreplications = 2\n\
         [[ports]]\nname = \"office\"\n[ports.capacity]\nkind = \"officers\"\nofficers = 1\n\
         service_days = { dist = \"exponential\", mean = 20.0 }\n\
         [[streams]]\nname = \"arrivals\"\nport = \"office\"\nkind = \"poisson\"\npeople_per_day = 0.01\n",
    )
    .expect("scenario written");
    let out = dir.join("results");
    backlog()
        .env(NO_FONTCONFIG.0, NO_FONTCONFIG.1)
        .args(["run", "--quiet", "--charts", "--out"])
        .arg(&out)
        .arg(&scenario)
        .assert()
        .success();
    let daily = read(&out.join("daily.csv"));
    let days: Vec<u64> = daily
        .lines()
        .filter(|line| line.starts_with("all,") && line.contains(",joined,"))
        .map(|line| line.split(',').nth(1).expect("day").parse().expect("a day"))
        .collect();
    // 40,000 days in at most 2^14 rows: rows of 4 days.
    assert_eq!(days.len(), 10_000);
    assert!(days.iter().enumerate().all(|(row, &day)| day == row as u64 * 4));
    let arrived_per_day: f64 = daily
        .lines()
        .filter(|line| line.starts_with("all,") && line.contains(",joined,"))
        .map(|line| line.split(',').nth(4).expect("mean").parse::<f64>().expect("a number"))
        .sum::<f64>()
        / days.len() as f64;
    // 0.01 a day: 400 expected over the run (sd 20), per-day means average to about 0.01.
    assert!((arrived_per_day - 0.01).abs() < 0.002, "{arrived_per_day}");
    for kind in KINDS {
        let image = decode_png(&out.join(format!("{kind}.png")));
        assert_not_blank(&out.join(format!("{kind}.png")), &image);
    }
    let svg = read(&out.join("backlog.svg"));
    assert!(
        svg.contains("steps of 4 days"),
        "the chart says how coarse its rows are"
    );
}

/// A damaged results folder (a number out of any range backlog writes, infinite, negative or
/// not a number, in any column of daily.csv or waits.csv) is refused with exit code 2 or drawn,
/// never a panic.
#[test]
fn damaged_numbers_never_panic_the_charts() {
    let out = scratch("damaged");
    let original = out.join("results");
    backlog()
        .args(["run", "--quiet", "-r", "2", "scenarios/deterministic.toml", "--out"])
        .arg(&original)
        .current_dir(project_root())
        .assert()
        .success();
    for (file, first_number_column) in [("daily.csv", 4), ("waits.csv", 3)] {
        let text = read(&original.join(file));
        let columns = text.lines().nth(1).expect("a header").split(',').count();
        for column in [1, first_number_column, columns - 1] {
            for value in ["1e308", "-1e308", "inf", "nan", "-5", "1e30", "1e14", "0"] {
                let damaged = out.join(format!("{file}-{column}-{value}"));
                std::fs::create_dir_all(&damaged).expect("folder");
                for name in ["summary.json", "daily.csv", "waits.csv", "markers.csv"] {
                    std::fs::copy(original.join(name), damaged.join(name)).expect("copy");
                }
                let changed: Vec<String> = text
                    .lines()
                    .enumerate()
                    .map(|(i, line)| {
                        let mut fields: Vec<&str> = line.split(',').collect();
                        if i >= 2 && fields.len() > column && !fields[column].is_empty() {
                            fields[column] = value;
                        }
                        fields.join(",")
                    })
                    .collect();
                std::fs::write(damaged.join(file), changed.join("\n")).expect("written");
                let status = backlog()
                    .args(["chart", "--format", "svg"])
                    .arg(&damaged)
                    .output()
                    .expect("backlog runs")
                    .status
                    .code();
                assert!(
                    matches!(status, Some(0 | 2)),
                    "{file} column {column} = {value}: exit {status:?}"
                );
            }
        }
    }
}

/// Thousands of dated changes are drawn as lines with one note, without placing a label for
/// each (which took time quadratic in their number).
#[test]
fn thousands_of_dated_changes_are_lines_with_a_note() {
    let out = scratch("many-changes");
    let mut text = String::from(
        "schema = 1\n[run]\nname = \"many changes\"\nhorizon_days = 3000\nseed = 1\nreplications = 2\n\
         [[ports]]\nname = \"p\"\n[ports.capacity]\nkind = \"quota\"\nquota_per_day = 50\n",
    );
    for day in 1..2001 {
        text.push_str(&format!(
            "[[ports.capacity.schedule]]\nfrom = {day}\nquota_per_day = {}\n",
            50 + day % 7
        ));
    }
    text.push_str("[[streams]]\nname = \"s\"\nport = \"p\"\nkind = \"poisson\"\npeople_per_day = 40\n");
    let scenario = out.join("changes.toml");
    std::fs::write(&scenario, text).expect("written");
    let results = out.join("results");
    backlog()
        .args(["run", "--quiet", "--out"])
        .arg(&results)
        .arg(&scenario)
        .assert()
        .success();
    backlog()
        .args(["chart", "--kind", "backlog", "--format", "svg"])
        .arg(&results)
        .assert()
        .success();
    let svg = read(&results.join("backlog.svg"));
    assert!(svg.contains("Dashed lines: 2,000 dated changes in the scenario (too many to label)."));
}
