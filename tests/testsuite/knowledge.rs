//! Glossary links, preview data and the concept map in built sites (issue 17, points 2-4).

use crate::harness::SiteTest;

const CONFIG: &str = "title = \"K\"\n\
    [kinds.factor]\nfolder = \"factors\"\n\
    [kinds.technique]\nfolder = \"techniques\"\n\
    [kinds.technique.relations.builds]\nkind = \"factor\"\n";

fn knowledge_site() -> SiteTest {
    SiteTest::minimal()
        .file("site.toml", CONFIG)
        .file(
            "content/glossary.md",
            "---\ntitle: Glossary\n---\n- **Bond**: the trust between client and therapist. [[bond]]\n- **Hope**: expecting that things can improve.\n",
        )
        .file("content/factors/bond.md", "---\ntitle: Bond\nsummary: Trust.\n---\nThe bond grows when hope is kept alive.\n")
        .file("content/factors/hope.md", "---\ntitle: Hope\nsummary: Expecting change.\n---\nHope is helped by the bond.\n")
        .file(
            "content/techniques/listening.md",
            "---\ntitle: Listening\nsummary: Hearing the client.\nbuilds: [bond, hope]\nglossary: false\n---\nListening builds the bond and hope.\n",
        )
}

#[test]
fn glossary_entries_are_anchored_and_first_uses_link_to_them() {
    let mut site = knowledge_site();
    site.build().ok();
    site.check_file("glossary.html", &[r#"<li id="term-bond">"#, r#"<li id="term-hope">"#]);
    // On the bond page, the bond term (whose entry explains this page) is not linked; hope is.
    let bond = site.output_file("factors/bond.html");
    assert!(bond.contains(r#"when <a class="glossary-term" href="../glossary.html#term-hope">hope</a>"#), "{bond}");
    assert!(!bond.contains("#term-bond"), "{bond}");
    let hope = site.output_file("factors/hope.html");
    assert!(hope.contains(r#"the <a class="glossary-term" href="../glossary.html#term-bond">bond</a>"#), "{hope}");
    assert!(!site.output_file("techniques/listening.html").contains("glossary-term"), "glossary: false opts out");
    assert!(!site.output_file("glossary.html").contains("glossary-term"));
}

#[test]
fn preview_data_ships_as_scripts_keyed_by_link_target() {
    let mut site = knowledge_site();
    site.build().ok();
    site.check_file(
        "assets/previews/index.js",
        &["RapportPreviews.index(", r#""factors":{"file":"f-factors","parts":1}"#],
    );
    site.check_file(
        "assets/previews/f-factors-0.js",
        &[r#""factors/bond.html":["Bond","Factor","Trust.","The bond grows"#],
    );
    site.check_file(
        "assets/previews/_root-0.js",
        &[r#""glossary.html#term-bond":["Bond","Glossary","the trust between client and therapist.",""]"#],
    );
    site.check_file("factors/bond.html", &[r#"<script src="../assets/preview.js" defer></script>"#]);
}

#[test]
fn the_concept_map_links_every_node_to_a_built_page() {
    let mut site = knowledge_site();
    site.build().ok();
    let map = site.output_file("map.html");
    let svg = &map[map.find("<svg class=\"concept-map\"").expect("map svg")..];
    let svg = &svg[..svg.find("</svg>").expect("end of svg")];
    let hrefs: Vec<&str> = svg.split("href=\"").skip(1).map(|r| &r[..r.find('"').unwrap_or(0)]).collect();
    assert_eq!(hrefs.len(), 3, "{svg}");
    for h in hrefs {
        assert!(site.root.join("public").join(h).is_file(), "{h} does not resolve");
    }
    assert!(map.contains("builds"), "{map}");
    site.check_file("index.html", &[r#"<a href="map.html">concept map</a>"#]);
    site.check_file(
        "factors/bond.html",
        &[r#"<figure class="neighbourhood-map">"#, r#"href="../techniques/listening.html""#],
    );
    // A second build writes the same map, byte for byte.
    site.build().ok();
    assert_eq!(site.output_file("map.html"), map);
}

#[test]
fn a_site_without_typed_relations_gets_no_map() {
    let mut site = SiteTest::minimal();
    site.build().ok();
    assert!(!site.root.join("public/map.html").exists());
    assert!(!site.output_file("index.html").contains("map.html"));
}

#[test]
fn map_kinds_and_the_glossary_key_are_checked() {
    let mut site = knowledge_site().file("site.toml", format!("{CONFIG}[map]\nkinds = [\"facter\"]\n"));
    site.check().expect_code(2).stderr_has("error: `[map] kinds` names an unknown kind `facter`").stderr_has("factor");
    let mut site = knowledge_site().file("content/factors/hope.md", "---\ntitle: Hope\nglossary: no\n---\nx\n");
    site.check().expect_code(1).stderr_has("factors/hope.md:3:");
}
