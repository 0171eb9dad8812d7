//! The arrival channel of a page view, from its UTM parameters and referrer:
//! `email`, `whatsapp`, `social`, `search`, `paid`, `referral` or `direct`.
//!
//! The first rule that matches wins:
//!
//! | order | condition | channel |
//! |---|---|---|
//! | 1 | `utm_medium` is `cpc`, `ppc`, `paid`, `paidsearch`, `paid-social`, `paid_social`, `display`, `cpm`, `banner`, or a `gclid`/`fbclid`-style click id with a paid medium | `paid` |
//! | 2 | `utm_medium` or `utm_source` mentions `whatsapp` (or `wa`), or the referrer is `wa.me`, `api.whatsapp.com`, `web.whatsapp.com`, `chat.whatsapp.com` | `whatsapp` |
//! | 3 | `utm_medium` is `email`, `e-mail`, `newsletter`, or the referrer is a webmail host (`mail.google.com`, `outlook.live.com`, `mail.yahoo.com`) | `email` |
//! | 4 | `gclid`, `gbraid`, `wbraid`, `msclkid` or `dclid` in the URL | `paid` |
//! | 5 | `utm_medium` is `social`, `social-network`, `sm`, or the referrer is a social network (Facebook, Instagram, X/Twitter, LinkedIn, TikTok, Pinterest, YouTube, Reddit, Threads, Kwai) | `social` |
//! | 6 | `utm_medium` is `organic` or the referrer is a search engine (Google, Bing, Yahoo, DuckDuckGo, Ecosia, Yandex, Baidu) | `search` |
//! | 7 | any other referrer from another host, or any other `utm_medium` | `referral` |
//! | 8 | nothing of the above | `direct` |
//!
//! Matching is case-insensitive; a referrer from the page's own host is `direct`.

use super::signal::Context;

const SOCIAL: &[&str] = &[
    "facebook.com",
    "fb.com",
    "instagram.com",
    "t.co",
    "twitter.com",
    "x.com",
    "linkedin.com",
    "lnkd.in",
    "tiktok.com",
    "pinterest.com",
    "youtube.com",
    "youtu.be",
    "reddit.com",
    "threads.net",
    "kwai.com",
];
const SEARCH: &[&str] = &[
    "google.",
    "bing.com",
    "search.yahoo.com",
    "duckduckgo.com",
    "ecosia.org",
    "yandex.",
    "baidu.com",
];
const WEBMAIL: &[&str] = &[
    "mail.google.com",
    "outlook.live.com",
    "outlook.office.com",
    "mail.yahoo.com",
];
const WHATSAPP: &[&str] = &[
    "wa.me",
    "api.whatsapp.com",
    "web.whatsapp.com",
    "chat.whatsapp.com",
];
const CLICK_IDS: &[&str] = &["gclid", "gbraid", "wbraid", "msclkid", "dclid"];

/// The host of a URL, lower-cased, without `www.`; empty if there is none.
fn host(url: &str) -> String {
    let rest = url.split_once("://").map_or("", |(_, r)| r);
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = host.rsplit('@').next().unwrap_or("");
    let host = host.split(':').next().unwrap_or("").to_ascii_lowercase();
    host.strip_prefix("www.").map(str::to_owned).unwrap_or(host)
}

/// Whether `host` is `domain` or one of its subdomains (`domain` may end with a
/// dot to match any top-level domain: `google.` matches `google.com.br`).
fn on(host: &str, domain: &str) -> bool {
    if let Some(stem) = domain.strip_suffix('.') {
        return host.split('.').any(|label| label == stem);
    }
    host == domain
        || host
            .strip_suffix(domain)
            .is_some_and(|rest| rest.ends_with('.'))
}

pub fn classify(context: &Context) -> &'static str {
    let param = |name: &str| context.param(name).unwrap_or("").to_ascii_lowercase();
    let (medium, source) = (param("utm_medium"), param("utm_source"));
    let referrer = host(&context.referrer);
    let own = host(&context.url);
    let referrer = if referrer == own {
        String::new()
    } else {
        referrer
    };
    let from = |list: &[&str]| !referrer.is_empty() && list.iter().any(|d| on(&referrer, d));

    if matches!(
        medium.as_str(),
        "cpc"
            | "ppc"
            | "paid"
            | "paidsearch"
            | "paid-social"
            | "paid_social"
            | "display"
            | "cpm"
            | "banner"
    ) {
        return "paid";
    }
    if medium.contains("whatsapp")
        || source.contains("whatsapp")
        || source == "wa"
        || from(WHATSAPP)
    {
        return "whatsapp";
    }
    if matches!(medium.as_str(), "email" | "e-mail" | "newsletter") || from(WEBMAIL) {
        return "email";
    }
    if CLICK_IDS.iter().any(|id| context.param(id).is_some()) {
        return "paid";
    }
    if matches!(medium.as_str(), "social" | "social-network" | "sm") || from(SOCIAL) {
        return "social";
    }
    if medium == "organic" || from(SEARCH) {
        return "search";
    }
    if !referrer.is_empty() || !medium.is_empty() {
        return "referral";
    }
    "direct"
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    fn channel(url: &str, referrer: &str) -> &'static str {
        classify(&Context::from_page(
            url, referrer, "", 12, 1, "pt-BR", 1200.0,
        ))
    }

    #[test]
    fn classification_table() {
        let shop = "https://loja.example/";
        let cases = [
            (
                "https://loja.example/?utm_medium=cpc&utm_source=google",
                "https://www.google.com/",
                "paid",
            ),
            (
                "https://loja.example/?utm_source=whatsapp&utm_medium=share",
                "",
                "whatsapp",
            ),
            (shop, "https://wa.me/5511999999999", "whatsapp"),
            (
                "https://loja.example/?utm_medium=email&utm_campaign=black-friday",
                "",
                "email",
            ),
            (shop, "https://mail.google.com/mail/u/0/", "email"),
            (
                "https://loja.example/?gclid=abc",
                "https://www.google.com.br/",
                "paid",
            ),
            (shop, "https://l.facebook.com/l.php?u=x", "social"),
            (shop, "https://t.co/abc", "social"),
            (
                "https://loja.example/?utm_medium=social&utm_source=ig",
                "",
                "social",
            ),
            (shop, "https://www.google.com.br/", "search"),
            (shop, "https://duckduckgo.com/", "search"),
            (shop, "https://blog.parceiro.example/post", "referral"),
            ("https://loja.example/?utm_medium=affiliate", "", "referral"),
            (shop, "", "direct"),
            (shop, "https://loja.example/outra-pagina", "direct"),
            ("https://loja.example/?UTM_MEDIUM=Email", "", "direct"),
            ("https://loja.example/?utm_medium=EMAIL", "", "email"),
        ];
        for (url, referrer, expected) in cases {
            assert_eq!(channel(url, referrer), expected, "{url} from {referrer:?}");
        }
    }

    #[test]
    fn conditions_see_the_channel() {
        let context = Context::from_page(
            "https://loja.example/?utm_source=whatsapp",
            "",
            "",
            12,
            1,
            "pt-BR",
            1200.0,
        );
        assert_eq!(classify(&context), "whatsapp");
    }

    #[test]
    fn hosts_are_matched_by_label_not_substring() {
        assert!(on("l.facebook.com", "facebook.com"));
        assert!(!on("notfacebook.com", "facebook.com"));
        assert!(on("google.com.br", "google."));
        assert!(!on("googleusercontent.com", "google."));
        assert_eq!(host("https://user@www.Example.com:8080/x?y"), "example.com");
    }
}
