//! Tests for the consent-popup heuristic: real banners' wording in each language, popups that
//! are not consent popups, ambiguity, pay-or-consent walls, and arbitrary input.

use proptest::prelude::*;

use super::*;

fn button(text: &str) -> Button {
    Button { text: text.to_owned(), aria_label: None, title: None }
}

fn candidate(text: &str, buttons: &[&str]) -> Candidate {
    Candidate { text: text.to_owned(), lang: None, buttons: buttons.iter().map(|b| button(b)).collect() }
}

fn consent(refuse: Option<usize>, settings: Option<usize>, accept: Option<usize>) -> Verdict {
    Verdict::Consent { refuse, settings, accept, ambiguous: Vec::new() }
}

/// (language, popup text, buttons, refuse, settings, accept): each must classify exactly so,
/// without ambiguity.
type Banner = (&'static str, &'static str, &'static [&'static str], Option<usize>, Option<usize>, Option<usize>);

const BANNERS: &[Banner] = &[
    ("en", "We use cookies to enhance your browsing experience. By clicking “Accept All Cookies”, you agree to the storing of cookies on your device.",
        &["Cookies Settings", "Reject All", "Accept All Cookies"], Some(1), Some(0), Some(2)),
    ("en", "news.example asks for your consent to use your personal data to: Personalised advertising and content, advertising and content measurement, audience research and services development.",
        &["Consent", "Do not consent", "Manage options"], Some(1), Some(2), Some(0)),
    ("en", "Let us know you agree to cookies. We use cookies to give you the best online experience.",
        &["Yes, I agree", "No, take me to settings"], None, Some(1), Some(0)),
    ("en", "This website uses cookies. We use cookies to personalise content and ads, to provide social media features and to analyse our traffic.",
        &["Deny", "Allow selection", "Customize", "Allow all"], Some(0), Some(2), Some(3)),
    ("en", "Cookies on GOV.UK. We use some essential cookies to make this website work. We’d like to set additional cookies to understand how you use GOV.UK.",
        &["Accept additional cookies", "Reject additional cookies", "View cookies"], Some(1), None, Some(0)),
    ("en", "We and our partners use cookies. Read our cookie policy.", &["Use necessary cookies only", "Manage preferences", "Got it"], Some(0), Some(1), Some(2)),
    ("en", "We value your privacy. We and our partners store and/or access information on a device, such as cookies.",
        &["I DO NOT AGREE", "MORE OPTIONS", "AGREE"], Some(0), Some(1), Some(2)),
    ("en", "With your agreement, we and our partners use cookies.", &["Disagree and close", "Learn more →", "Agree and close"], Some(0), None, Some(2)),
    ("de", "Wir verwenden Cookies und ähnliche Technologien. Ihre Einwilligung ist freiwillig. Weitere Informationen in unserer Datenschutzerklärung.",
        &["Einstellungen", "Alle ablehnen", "Alle akzeptieren"], Some(1), Some(0), Some(2)),
    ("de", "Diese Website nutzt Cookies, die für den technischen Betrieb erforderlich sind, und weitere zu Statistikzwecken.",
        &["Nur notwendige Cookies", "Individuelle Datenschutzeinstellungen", "Alle akzeptieren"], Some(0), Some(1), Some(2)),
    ("de", "Wir und unsere Partner speichern Informationen auf Ihrem Gerät (z. B. Cookies) und verarbeiten personenbezogene Daten.",
        &["Zustimmen", "Ablehnen", "Mehr Optionen"], Some(1), Some(2), Some(0)),
    ("de", "Wir brauchen Ihre Zustimmung zu Cookies.", &["Zustimmen", "Nicht zustimmen", "Einstellungen verwalten"], Some(1), Some(2), Some(0)),
    ("fr", "Nous et nos partenaires utilisons des cookies pour stocker et accéder à des données personnelles vous concernant.",
        &["Continuer sans accepter →", "Paramétrer les cookies", "Accepter & Fermer"], Some(0), Some(1), Some(2)),
    ("fr", "Ce site utilise des cookies pour améliorer votre expérience.", &["Tout refuser", "Personnaliser", "Tout accepter"], Some(0), Some(1), Some(2)),
    ("fr", "Avec votre consentement, nous et nos partenaires utilisons des traceurs.", &["Je refuse", "Gérer mes choix", "J’accepte"], Some(0), Some(1), Some(2)),
    ("fr", "Ce site utilise des cookies.", &["Ne pas accepter", "Plus d'options", "OK pour moi"], Some(0), Some(1), Some(2)),
    ("es", "Utilizamos cookies propias y de terceros para analizar nuestros servicios y mostrarte publicidad.",
        &["Rechazar todo", "Configurar", "Aceptar todo"], Some(0), Some(1), Some(2)),
    ("es", "Este sitio web utiliza cookies para mejorar su experiencia.", &["Aceptar", "Rechazar", "Más opciones"], Some(1), Some(2), Some(0)),
    ("es", "Con tu consentimiento, usamos cookies para fines analíticos.", &["Solo necesarias", "Configuración de cookies", "Aceptar todas las cookies"],
        Some(0), Some(1), Some(2)),
    ("es", "Usamos cookies.", &["Continuar sin aceptar", "Aceptar y cerrar"], Some(0), None, Some(1)),
    ("it", "Noi e terze parti selezionate utilizziamo cookie o tecnologie simili per finalità tecniche e, con il tuo consenso, anche per altre finalità.",
        &["Rifiuta", "Scopri di più e personalizza", "Accetta"], Some(0), Some(1), Some(2)),
    ("it", "Questo sito utilizza cookie tecnici e di profilazione.", &["Continua senza accettare", "Gestisci preferenze", "Accetta tutti"],
        Some(0), Some(1), Some(2)),
    ("it", "Utilizziamo i cookie per offrirti la migliore esperienza.", &["Rifiuta tutto", "Più opzioni", "Accetto"], Some(0), Some(1), Some(2)),
    ("nl", "Wij gebruiken cookies om onze website te verbeteren.", &["Alles weigeren", "Instellingen", "Alles accepteren"], Some(0), Some(1), Some(2)),
    ("nl", "Deze website gebruikt cookies. Geef je toestemming?", &["Weigeren", "Voorkeuren beheren", "Akkoord"], Some(0), Some(1), Some(2)),
    ("nl", "Wij en onze partners gebruiken cookies.", &["Alleen noodzakelijke cookies", "Cookie-instellingen aanpassen", "Alle cookies accepteren"],
        Some(0), Some(1), Some(2)),
    ("pt", "Utilizamos cookies para melhorar a sua experiência.", &["Rejeitar tudo", "Definições de cookies", "Aceitar tudo"], Some(0), Some(1), Some(2)),
    ("pt", "Nós usamos cookies. Ao clicar em Aceitar, você concorda com o uso de cookies.", &["Recusar", "Personalizar", "Aceitar"], Some(0), Some(1), Some(2)),
    ("pt", "Com o seu consentimento, usamos cookies de terceiros.", &["Apenas necessários", "Gerir preferências", "Aceito"], Some(0), Some(1), Some(2)),
    ("pl", "Używamy plików cookies. Twoja zgoda jest dobrowolna.", &["Odrzuć wszystkie", "Ustawienia", "Akceptuj wszystkie"], Some(0), Some(1), Some(2)),
    ("pl", "Ta strona korzysta z ciasteczek.", &["Odrzucam", "Dostosuj", "Akceptuję"], Some(0), Some(1), Some(2)),
    ("pl", "Szanujemy Twoją prywatność. Prosimy o zgodę na przetwarzanie danych osobowych.", &["Tylko niezbędne", "Zarządzaj", "Zgadzam się"],
        Some(0), Some(1), Some(2)),
    ("pl", "Zanim przejdziesz do serwisu: RODO, zaufani partnerzy i pliki cookies.", &["Ustawienia zaawansowane", "Przejdź do serwisu"], None, Some(0), Some(1)),
    ("sv", "Vi använder cookies för att ge dig en bättre upplevelse.", &["Avvisa alla", "Inställningar", "Acceptera alla"], Some(0), Some(1), Some(2)),
    ("sv", "Den här webbplatsen använder kakor.", &["Neka", "Tillåt urval", "Anpassa", "Tillåt alla"], Some(0), Some(2), Some(3)),
    ("sv", "Vi och våra partner behöver ditt samtycke.", &["Endast nödvändiga", "Hantera cookies", "Jag godkänner"], Some(0), Some(1), Some(2)),
    ("da", "Vi bruger cookies til at forbedre din oplevelse.", &["Afvis alle", "Indstillinger", "Accepter alle"], Some(0), Some(1), Some(2)),
    ("da", "Denne hjemmeside bruger cookies.", &["Afvis", "Tillad valgte", "Tilpas", "Tillad alle"], Some(0), Some(2), Some(3)),
    ("da", "Vi værdsætter dit privatliv og beder om dit samtykke.", &["Kun nødvendige", "Administrer", "Jeg accepterer"], Some(0), Some(1), Some(2)),
    ("da", "Vi og vores partnere bruger cookies på små og store sider.", &["Afslå", "Acceptér alle"], Some(0), None, Some(1)),
    ("no", "Vi bruker informasjonskapsler.", &["Avvis alle", "Tilpass", "Godta alle"], Some(0), Some(1), Some(2)),
    ("no", "Vi ber om ditt samtykke til informasjonskapsler.", &["Kun nødvendige", "Godta alle"], Some(0), None, Some(1)),
    ("fi", "Käytämme evästeitä.", &["Hylkää kaikki", "Evästeasetukset", "Hyväksy kaikki"], Some(0), Some(1), Some(2)),
    ("cs", "Tento web používá soubory cookie.", &["Odmítnout vše", "Nastavení", "Přijmout vše"], Some(0), Some(1), Some(2)),
];

#[test]
fn patterns_compile() {
    assert!(Patterns::build().is_ok(), "{:?}", Patterns::build().err());
    assert!(patterns().is_some());
}

#[test]
fn real_banners_in_each_language() {
    for (lang, text, buttons, refuse, settings, accept) in BANNERS {
        let c = candidate(text, buttons);
        assert_eq!(classify(&c), consent(*refuse, *settings, *accept), "{lang}: {buttons:?}");
        assert_eq!(refuse_button(&classify(&c)), *refuse, "{lang}: {buttons:?}");
    }
    for lang in ["en", "de", "fr", "es", "it", "nl", "pt", "pl", "sv", "da"] {
        assert!(BANNERS.iter().filter(|b| b.0 == lang).count() >= 3, "{lang}");
    }
}

#[test]
fn popups_that_are_not_consent_popups() {
    let cases: &[(&str, &[&str])] = &[
        ("Are you 18 or older? You must be of legal drinking age to enter. This site uses cookies.", &["I agree", "No"]),
        ("Bist du über 18 Jahre alt? Wir verwenden Cookies.", &["Akzeptieren", "Nein"]),
        ("¿Eres mayor de edad? Utilizamos cookies.", &["Aceptar", "Salir"]),
        ("Subscribe to our newsletter! Enter your email address for weekly deals. See our Cookie Policy.", &["Sign up", "OK", "No thanks"]),
        ("Sign in to continue. Email Password. By signing in you agree to our Terms and Cookie Policy.", &["Sign in", "Forgot password?", "OK"]),
        ("Hi there 👋 How can we help you today? Chat with our team.", &["Start chat", "OK"]),
        ("This Cookie Policy explains how Example Ltd uses cookies and similar technologies to recognise you when you visit our website.", &["Read more"]),
        ("© 2025 Example. Imprint · Terms · Contact", &["Settings", "Help"]),
        ("", &[]),
    ];
    for (text, buttons) in cases {
        assert_eq!(classify(&candidate(text, buttons)), Verdict::NotConsent, "{text}");
    }
}

#[test]
fn ambiguity_leaves_roles_empty() {
    let text = "We use cookies.";
    let two = classify(&candidate(text, &["Reject all", "Decline", "Accept all"]));
    let reason = r#"two buttons read as refusals: "Reject all", "Decline""#.to_owned();
    assert_eq!(two, Verdict::Consent { refuse: None, settings: None, accept: Some(2), ambiguous: vec![reason] });
    assert_eq!(refuse_button(&two), None);

    let dual = classify(&candidate(text, &["Accept or reject", "Settings"]));
    let reason = r#"button "Accept or reject" reads as both refusal and acceptance"#.to_owned();
    assert_eq!(dual, Verdict::Consent { refuse: None, settings: Some(1), accept: None, ambiguous: vec![reason] });

    // A two-role button also counts as a refusal: then "Reject all" is not the only one.
    let Verdict::Consent { refuse, ambiguous, .. } = classify(&candidate(text, &["Accept or reject", "Reject all"])) else {
        panic!("consent")
    };
    assert_eq!(refuse, None);
    assert_eq!(ambiguous.len(), 2, "{ambiguous:?}");

    // "Settings or reject" is two roles at once: neither is answered.
    let v = classify(&candidate("Wir und unsere Partner verwenden Cookies.", &["Akzeptieren und weiter", "Einstellungen oder ablehnen"]));
    let reason = r#"button "Einstellungen oder ablehnen" reads as both refusal and settings"#.to_owned();
    assert_eq!(v, Verdict::Consent { refuse: None, settings: None, accept: Some(0), ambiguous: vec![reason] });

    let triple = classify(&candidate(text, &["Accept all", "OK", "Allow all"]));
    let reason = r#"three buttons read as acceptances: "Accept all", "OK", "Allow all""#.to_owned();
    assert_eq!(triple, Verdict::Consent { refuse: None, settings: None, accept: None, ambiguous: vec![reason] });
}

#[test]
fn pay_or_consent_walls_are_reported_not_answered() {
    let walls: &[(&str, &[&str])] = &[
        (
            "Wir und unsere Partner verwenden Cookies. Nutzen Sie unser Angebot mit Werbung oder werbefrei mit PUR.",
            &["Mit Werbung weiterlesen", "Jetzt PUR abonnieren"],
        ),
        ("Pour soutenir le travail de notre rédaction, acceptez les cookies ou abonnez-vous.", &["Accepter et continuer", "S’abonner"]),
        ("We and our partners use cookies to fund our journalism.", &["Accept", "Subscribe for ad-free"]),
        ("Con il tuo consenso usiamo i cookie, oppure abbonati.", &["Accetta", "Abbonati"]),
    ];
    for (text, buttons) in walls {
        let v = classify(&candidate(text, buttons));
        assert_eq!(v, Verdict::PayOrConsent, "{buttons:?}");
        assert_eq!(refuse_button(&v), None);
    }
    // With a real refusal it is answered, and the subscribe button plays no role.
    let v = classify(&candidate("We use cookies. Or go ad-free.", &["Reject all", "Subscribe", "Accept all"]));
    assert_eq!(v, consent(Some(0), None, Some(2)));
}

#[test]
fn refusals_worded_with_acceptance_verbs() {
    for refusal in [
        "Don't accept",
        "I do not accept",
        "Nicht akzeptieren",
        "Ne pas accepter",
        "Je n'accepte pas",
        "No acepto",
        "Niet akkoord",
        "Nie zgadzam się",
        "Continue without agreeing",
        "Weiter ohne Einwilligung",
        "Accept only necessary cookies",
        "Nur notwendige Cookies akzeptieren",
        "Allow essential cookies",
        "Reject non-essential cookies",
        "Tillåt endast nödvändiga",
    ] {
        let v = classify(&candidate("We use cookies.", &[refusal, "Accept all"]));
        assert_eq!(v, consent(Some(0), None, Some(1)), "{refusal}");
    }
    // Non-essential is not essential: accepting it is an acceptance.
    let v = classify(&candidate("We use cookies.", &["Accept non-essential cookies", "Decline"]));
    assert_eq!(v, consent(Some(1), None, Some(0)));
}

#[test]
fn saving_a_selection_is_no_role() {
    let v = classify(&candidate("Wir verwenden Cookies.", &["Auswahl erlauben", "Einstellungen speichern", "Alle ablehnen"]));
    assert_eq!(v, consent(Some(2), None, None));
}

#[test]
fn long_paragraph_buttons_are_ignored() {
    let long = "By clicking reject you refuse all cookies except those strictly necessary to run this site";
    assert!(long.chars().count() > MAX_LABEL_CHARS);
    let v = classify(&candidate("We use cookies.", &[long, "Accept"]));
    assert_eq!(v, consent(None, None, Some(1)));
    assert_eq!(refuse_button(&v), None);
}

#[test]
fn icon_buttons_are_read_by_aria_label_or_title() {
    let c = Candidate {
        text: "We use cookies.".to_owned(),
        lang: Some("en".to_owned()),
        buttons: vec![
            Button { text: String::new(), aria_label: Some("Reject all".to_owned()), title: None },
            button("Accept all"),
            Button { text: "⚙".to_owned(), aria_label: None, title: Some("Cookie settings".to_owned()) },
            Button { text: "✕".to_owned(), aria_label: Some("Close".to_owned()), title: None },
        ],
    };
    assert_eq!(classify(&c), consent(Some(0), Some(2), Some(1)));
    // Visible text wins over the aria-label.
    let c = Candidate { buttons: vec![Button { text: "Accept".to_owned(), aria_label: Some("Reject".to_owned()), title: None }], ..c };
    assert_eq!(classify(&c), consent(None, None, Some(0)));
}

#[test]
fn case_whitespace_and_unicode() {
    let v = classify(&candidate("  WE USE\n COOKIES ", &["  REJECT\n\tALL  ", "accept   all", "cookie SETTINGS"]));
    assert_eq!(v, consent(Some(0), Some(2), Some(1)));
    let v = classify(&candidate("Ce site utilise des cookies.", &["Tout\u{a0}refuser", "PARAMÈTRES", "tout accepter"]));
    assert_eq!(v, consent(Some(0), Some(1), Some(2)));
    let v = classify(&candidate("Używamy ciasteczek.", &["ODRZUĆ", "Zarządzaj", "AKCEPTUJĘ"]));
    assert_eq!(v, consent(Some(0), Some(1), Some(2)));
    let v = classify(&candidate("Vi bruger cookies.", &["AFSLÅ", "ACCEPTÉR ALLE"]));
    assert_eq!(v, consent(Some(0), None, Some(1)));
}

#[test]
fn settings_alone_needs_a_consent_popup() {
    assert_eq!(classify(&candidate("Dark mode is here!", &["Settings"])), Verdict::NotConsent);
    assert_eq!(classify(&candidate("We use cookies.", &["Settings"])), consent(None, Some(0), None));
}

#[test]
fn json_in_and_out() {
    let json = r#"{"text":"We use cookies.","lang":"en","buttons":[{"text":"","ariaLabel":"Reject all"},{"text":"OK","title":"Accept"}]}"#;
    let c: Candidate = match serde_json::from_str(json) {
        Ok(c) => c,
        Err(e) => panic!("{e}"),
    };
    let v = classify(&c);
    assert_eq!(v, consent(Some(0), None, Some(1)));
    let out = serde_json::to_string(&v).ok();
    assert_eq!(out.as_deref(), Some(r#"{"kind":"consent","refuse":0,"settings":null,"accept":1,"ambiguous":[]}"#));
    assert_eq!(serde_json::to_string(&Verdict::PayOrConsent).ok().as_deref(), Some(r#"{"kind":"payOrConsent"}"#));
}

const WORDS: &[&str] = &[
    "cookies",
    "consent",
    "Reject all",
    "Accept",
    "Settings",
    "PUR",
    "abonnieren",
    "Don't accept",
    "necessary only",
    "über 18",
    "newsletter",
    "ć",
    "ø",
    "å",
    "é",
    "  ",
    "\u{a0}",
    "€ 3",
    "Nur notwendige",
    "Tillad valgte",
    "",
];

fn text_strategy() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), proptest::collection::vec(proptest::sample::select(WORDS), 0..12).prop_map(|w| w.join(" ")), "\\PC{0,300}",]
}

fn button_strategy() -> impl Strategy<Value = Button> {
    (text_strategy(), proptest::option::of(text_strategy()), proptest::option::of(text_strategy()))
        .prop_map(|(text, aria_label, title)| Button { text, aria_label, title })
}

proptest! {
    #[test]
    fn classify_never_panics_and_indices_are_in_range(
        text in text_strategy(),
        lang in proptest::option::of(text_strategy()),
        buttons in proptest::collection::vec(button_strategy(), 0..6),
    ) {
        let c = Candidate { text, lang, buttons };
        let v = classify(&c);
        if let Some(i) = refuse_button(&v) {
            prop_assert!(i < c.buttons.len());
        }
        if let Verdict::Consent { refuse, settings, accept, .. } = &v {
            for i in [refuse, settings, accept].into_iter().flatten() {
                prop_assert!(*i < c.buttons.len());
            }
        }
    }
}
