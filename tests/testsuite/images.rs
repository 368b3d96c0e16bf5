//! Images and file links (tests/fixtures/images): resolved against static/, rewritten to URLs
//! relative to each page, missing files reported where they are written, empty alt text warned.

use crate::harness::SiteTest;

const PAGE: &str = "content/guides/setup.md";

/// The `src`/`href` URLs of `html` that end in `name`.
fn urls_ending<'a>(html: &'a str, name: &str) -> Vec<&'a str> {
    html.split(['"']).filter(|s| s.contains(name) && !s.contains(' ')).collect()
}

#[test]
fn images_and_files_get_urls_relative_to_the_page() {
    let mut t = SiteTest::from_fixture("images");
    t.build().ok();
    assert!(!t.stderr().contains("warning"), "{}", t.stderr());
    let out = t.root.join("public");
    let page = t.output_file("guides/setup.html");
    for (name, url) in [
        ("diagram.png", "../img/diagram.png"),
        ("photo.jpg", "../img/photo.jpg"),
        ("handout.pdf", "../files/handout.pdf?v=2"),
    ] {
        assert_eq!(urls_ending(&page, name), [url], "{page}");
        let file = url.split('?').next().unwrap();
        assert!(out.join("guides").join(file).exists(), "{url} does not resolve from guides/");
    }
    assert_eq!(urls_ending(&t.output_file("index.html"), "logo.png"), ["img/logo.png"]);
}

#[test]
fn pretty_urls_climb_one_folder_more() {
    let mut t = SiteTest::from_fixture("images");
    t = t.file("site.toml", "title = \"Images\"\npretty_urls = true\n");
    t.build().ok();
    let page = t.output_file("guides/setup/index.html");
    assert_eq!(urls_ending(&page, "diagram.png"), ["../../img/diagram.png"], "{page}");
}

#[test]
fn a_misspelled_image_is_an_error_at_its_place_with_did_you_mean() {
    let t = SiteTest::from_fixture("images");
    let text = std::fs::read_to_string(t.root.join(PAGE)).unwrap().replace("/img/diagram.png", "/img/diagam.png");
    let text = text.replace("/files/handout.pdf", "/files/handout.pfd");
    let mut t = t.file(PAGE, text);
    t.check()
        .expect_code(1)
        .stderr_has(
            "content/guides/setup.md:7:1: error: missing image `/img/diagam.png`: there is no static/img/diagam.png",
        )
        .stderr_has("did you mean `/img/diagram.png`?")
        .stderr_has("content/guides/setup.md:12:7: error: missing file `/files/handout.pfd`")
        .stderr_has("did you mean `/files/handout.pdf`?");
}

#[test]
fn an_image_without_alt_text_is_warned_unless_decorative() {
    let t = SiteTest::from_fixture("images");
    let text = std::fs::read_to_string(t.root.join(PAGE)).unwrap().replace("[Diagram of the room]", "[]");
    let mut t = t.file(PAGE, text);
    t.check().ok().stderr_has("content/guides/setup.md:7:1: warning: image `/img/diagram.png` has no alt text");
    assert_eq!(t.stderr().matches("no alt text").count(), 1, "the decorative divider is not warned: {}", t.stderr());
}
