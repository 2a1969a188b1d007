//! Consent popups no rule knows: finding the refuse / settings / accept buttons from their words.
//!
//! Known consent management platforms are answered by their rules. For any other popup, a small
//! executor in the page collects the visible candidates (fixed or sticky elements, open dialogs,
//! `[role=dialog]`, `[aria-modal=true]`) with their text and buttons, and [`classify`] decides
//! what each one is: not a consent popup at all, a pay-or-consent wall (reported, never answered),
//! or a consent popup whose buttons read as refusal, settings or acceptance.
//!
//! The heuristic is used only where it is unambiguous: when two buttons read as the same role, or
//! one button reads as two roles, that role is left empty and the reason is recorded, and
//! [`refuse_button`] names a button only when exactly one button reads as a refusal and nothing
//! else. It reads English, German, French, Spanish, Italian, Dutch, Portuguese, Polish, Swedish,
//! Danish, Norwegian, Finnish and Czech; every language is tried whatever the page's `lang`, since
//! banners are often in another language than the page. Its limits: it sees words, not layout
//! or colours, so a banner whose refusal is an unlabelled icon, an image, or a sentence longer
//! than [`MAX_LABEL_CHARS`] is not answered; wording outside these languages is not recognised.

use std::sync::OnceLock;

use regex::{Regex, RegexSet};
use serde::{Deserialize, Serialize};

/// A button label longer than this (in characters) is a paragraph, not a label, and counts for
/// no role.
pub const MAX_LABEL_CHARS: usize = 60;

/// Only this much of a popup's text is read (in bytes): the executor sends about 4 KB.
const MAX_TEXT_BYTES: usize = 8 * 1024;

/// Longer button texts are not even collapsed: they cannot become a label.
const MAX_RAW_LABEL_BYTES: usize = 1024;

/// One visible popup the page shows, as the executor read it.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Candidate {
    /// Its visible text, whitespace-collapsed, at most about 4 KB.
    #[serde(default)]
    pub text: String,
    /// The page's `<html lang>`, if any. Not used for matching: every language is tried.
    #[serde(default)]
    pub lang: Option<String>,
    /// Its visible buttons (and button-like links), in document order; verdicts name them by index.
    #[serde(default)]
    pub buttons: Vec<Button>,
}

/// One button of a [`Candidate`].
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Button {
    /// Its visible text.
    #[serde(default)]
    pub text: String,
    /// Its `aria-label`, read when the text has no letter or digit (icon buttons).
    #[serde(default)]
    pub aria_label: Option<String>,
    /// Its `title`, read when neither text nor `aria-label` has a letter or digit.
    #[serde(default)]
    pub title: Option<String>,
}

/// What a [`Candidate`] is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Verdict {
    /// Not a cookie or consent popup (newsletter, login, age gate, chat...), or one with no button
    /// that reads as refusal, settings or acceptance.
    NotConsent,
    /// A pay-or-consent wall ("accept or subscribe"): reported to the person, never answered.
    PayOrConsent,
    /// A consent popup. Each role is the index of the one button that reads as it, or `None` when
    /// no button does or when it is ambiguous; `ambiguous` says why, in words.
    Consent { refuse: Option<usize>, settings: Option<usize>, accept: Option<usize>, ambiguous: Vec<String> },
}

/// The button to press for "refuse everything optional": `Some` only when the popup is a consent
/// popup (not pay-or-consent) and exactly one button reads as a refusal (including "necessary
/// only" and "continue without accepting"), and that button reads as nothing else.
pub fn refuse_button(v: &Verdict) -> Option<usize> {
    match v {
        Verdict::Consent { refuse, .. } => *refuse,
        Verdict::NotConsent | Verdict::PayOrConsent => None,
    }
}

/// Decides what a popup is and which of its buttons refuse, open the settings or accept.
pub fn classify(c: &Candidate) -> Verdict {
    let Some(p) = patterns() else { return Verdict::NotConsent };
    let labels: Vec<Option<String>> = c.buttons.iter().map(label).collect();
    let readings: Vec<Reading> = labels.iter().map(|l| l.as_deref().map_or_else(Reading::default, |l| p.read(l))).collect();
    if !readings.iter().any(Reading::has_role) {
        return Verdict::NotConsent;
    }
    let mut haystack = collapse(truncate(&c.text, MAX_TEXT_BYTES));
    for l in labels.iter().flatten() {
        haystack.push(' ');
        haystack.push_str(l);
    }
    if !p.is_consent_popup(&haystack) {
        return Verdict::NotConsent;
    }
    let offers_pay = readings.iter().any(|r| r.pay) || p.pay.is_match(&haystack);
    if offers_pay && readings.iter().any(|r| r.accept) && !readings.iter().any(|r| r.refuse) {
        return Verdict::PayOrConsent;
    }
    let mut ambiguous = Vec::new();
    for (r, l) in readings.iter().zip(&labels) {
        let roles: Vec<&str> = Role::ALL.iter().filter(|role| role.of(r)).map(|role| role.noun()).collect();
        if let (Some(l), [first @ .., last]) = (l, roles.as_slice()) {
            match first {
                [] => {}
                [one] => ambiguous.push(format!("button \"{l}\" reads as both {one} and {last}")),
                more => ambiguous.push(format!("button \"{l}\" reads as {} and {last}", more.join(", "))),
            }
        }
    }
    let mut pick = |role: Role| {
        let found: Vec<usize> = (0..readings.len()).filter(|&i| role.of(&readings[i])).collect();
        match found.as_slice() {
            [i] => (readings[*i].roles() == 1).then_some(*i),
            [] => None,
            many => {
                let quoted: Vec<String> = many.iter().filter_map(|&i| labels[i].as_ref()).map(|l| format!("\"{l}\"")).collect();
                ambiguous.push(format!("{} buttons read as {}: {}", count_word(many.len()), role.plural(), quoted.join(", ")));
                None
            }
        }
    };
    let (refuse, settings, accept) = (pick(Role::Refuse), pick(Role::Settings), pick(Role::Accept));
    Verdict::Consent { refuse, settings, accept, ambiguous }
}

/// The roles a button can play.
#[derive(Clone, Copy)]
enum Role {
    Refuse,
    Settings,
    Accept,
}

impl Role {
    const ALL: [Role; 3] = [Role::Refuse, Role::Settings, Role::Accept];

    fn of(self, r: &Reading) -> bool {
        match self {
            Role::Refuse => r.refuse,
            Role::Settings => r.settings,
            Role::Accept => r.accept,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Role::Refuse => "refusal",
            Role::Settings => "settings",
            Role::Accept => "acceptance",
        }
    }

    fn plural(self) -> &'static str {
        match self {
            Role::Refuse => "refusals",
            Role::Settings => "settings",
            Role::Accept => "acceptances",
        }
    }
}

fn count_word(n: usize) -> String {
    match n {
        2 => "two".to_owned(),
        3 => "three".to_owned(),
        4 => "four".to_owned(),
        n => n.to_string(),
    }
}

/// How one button's label reads.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
struct Reading {
    refuse: bool,
    settings: bool,
    accept: bool,
    /// It offers to pay or subscribe: such a button never plays a role.
    pay: bool,
}

impl Reading {
    fn roles(&self) -> usize {
        usize::from(self.refuse) + usize::from(self.settings) + usize::from(self.accept)
    }

    fn has_role(&self) -> bool {
        self.roles() > 0
    }
}

/// The label a button is read by: its text, else its `aria-label`, else its `title` (the first
/// with a letter or digit), whitespace-collapsed; `None` when there is none or it is longer than
/// [`MAX_LABEL_CHARS`].
fn label(b: &Button) -> Option<String> {
    let raw =
        [Some(&b.text), b.aria_label.as_ref(), b.title.as_ref()].into_iter().flatten().find(|s| s.chars().any(char::is_alphanumeric))?;
    if raw.len() > MAX_RAW_LABEL_BYTES {
        return None;
    }
    let l = collapse(raw);
    (l.chars().count() <= MAX_LABEL_CHARS).then_some(l)
}

fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    let mut end = max.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

static PATTERNS: OnceLock<Option<Patterns>> = OnceLock::new();

/// The compiled patterns; `None` only if one failed to compile, which a test rules out (then
/// nothing is classified as consent, so nothing is answered).
fn patterns() -> Option<&'static Patterns> {
    PATTERNS.get_or_init(|| Patterns::build().ok()).as_ref()
}

/// Case-insensitive alternation of `parts`; `\b` is Unicode-aware.
fn alt(parts: &[&str]) -> Result<Regex, regex::Error> {
    Regex::new(&format!("(?i)(?:{})", parts.join("|")))
}

struct Patterns {
    /// Cookies, consent: a popup mentioning one (outside a "cookie policy" link) is about consent.
    strong: Regex,
    /// Privacy, partners, vendors, personal data...: two different ones also make a consent popup.
    weak: RegexSet,
    /// Cookies only: a newsletter form that mentions them is still a consent popup.
    cookie: Regex,
    /// "Cookie policy" and friends: links, not evidence of a consent popup.
    policy: Regex,
    age: Regex,
    login: Regex,
    newsletter: Regex,
    pay: Regex,
    refuse: Regex,
    /// Refusals worded with an acceptance verb ("Do not accept", "Continue without accepting").
    negated: Regex,
    /// Necessary / essential cookies; `neg` is set for "non-essential" and the like.
    necessary: Regex,
    only: Regex,
    all: Regex,
    use_verb: Regex,
    settings: Regex,
    accept: Regex,
    /// Save / confirm: the button commits a choice, it neither opens settings nor accepts.
    save: Regex,
    /// "Allow selection": accepts what is ticked, which is not "accept all".
    selection: Regex,
}

impl Patterns {
    /// How a label (already collapsed, at most [`MAX_LABEL_CHARS`]) reads.
    fn read(&self, l: &str) -> Reading {
        if self.pay.is_match(l) {
            return Reading { pay: true, ..Reading::default() };
        }
        let necessary_only = self.necessary_only(l);
        let refuse = necessary_only || self.negated.is_match(l) || self.refuse.is_match(l);
        let saves = self.save.is_match(l);
        let settings = !saves && self.settings.is_match(l);
        let accept = !saves && !necessary_only && !self.selection.is_match(l) && self.accept.is_match(&self.negated.replace_all(l, " "));
        Reading { refuse, settings, accept, pay: false }
    }

    /// "Necessary only", "Nur notwendige Cookies", "Allow essential cookies": a refusal of
    /// everything optional, even when worded with an acceptance verb.
    fn necessary_only(&self, l: &str) -> bool {
        let positive = self.necessary.captures_iter(l).any(|c| c.name("neg").is_none());
        positive && (self.only.is_match(l) || ((self.accept.is_match(l) || self.use_verb.is_match(l)) && !self.all.is_match(l)))
    }

    fn is_consent_popup(&self, text: &str) -> bool {
        if self.age.is_match(text) || self.login.is_match(text) {
            return false;
        }
        let stripped = self.policy.replace_all(text, " ");
        if self.newsletter.is_match(text) {
            return self.cookie.is_match(&stripped);
        }
        self.strong.is_match(&stripped) || self.weak.matches(&stripped).iter().count() >= 2
    }

    fn build() -> Result<Patterns, regex::Error> {
        const COOKIE: &[&str] =
            &[r"cookie", r"\bkak(?:or|orna|a|an)\b", r"\beväste\w*", r"\binformasjonskapsl\w*", r"\bciasteczk\w*", r"\bciasteczek\b"];
        let mut strong = COOKIE.to_vec();
        strong.extend_from_slice(&[
            r"\bconsent\w*",
            r"\bconsens[oi]\b",
            r"\beinwillig\w*",
            r"\bzustimm\w*",
            r"\btoestemming\w*",
            r"\bzgod(?:a|y|ę|ą|zie)\b",
            r"\bsamtyck\w*",
            r"\bsamtykk\w*",
            r"\bsuostum\w*",
            r"\bsouhlas\w*",
            r"\btrackers?\b",
        ]);
        let weak = RegexSet::new(
            [
                r"\bprivacy\b|\bprivacidad\b|\bprivacidade\b|\bvie privée\b|\bconfidentialité\b|\bdatenschutz\w*|\bprywatnoś\w*|\bintegritet\w*|\bprivatliv\w*|\bpersonvern\w*|\byksityisyy\w*|\bsoukrom\w*",
                r"\bpartner\w*|\bpartenaires?\b|\bparceiros?\b|\bsocios\b",
                r"\bvendors?\b|\bfournisseurs\b|\bproveedores\b|\bfornitori\b|\bleveranciers\b|\bfornecedores\b|\bdostawc\w*|\bleverantörer\b|\bleverandører\b|\bdrittanbieter\w*",
                r"\bpersonal data\b|\bpersonenbezogene\w*|\bdonnées personnelles\b|\bdatos personales\b|\bdati personali\b|\bpersoonsgegevens\b|\bdados pessoais\b|\bdan\w* osobow\w*|\bpersonuppgifter\b|\bpersonoplysninger\b|\bpersonopplysninger\b|\bhenkilötie\w*|\bosobní\w* údaj\w*",
                r"\b(?:gdpr|dsgvo|rgpd|rodo|avg)\b",
                r"\bpersonali[sz]ed (?:ads|advertising|content)\b|\bpersonalisierte\w*|\bpersonnalisée?s?\b|\bpersonalizad[ao]s?\b|\bpersonalizzat[aie]\b|\bgepersonaliseerde\b",
                r"\btracking\b|\bstore and/or access\b|\blegitimate interest\b|\bberechtigt\w* interesse\w*|\bintérêt légitime\b|\binterés legítimo\b|\blegittimo interesse\b",
            ]
            .map(|p| format!("(?i){p}")),
        )?;
        Ok(Patterns {
            strong: alt(&strong)?,
            weak,
            cookie: alt(COOKIE)?,
            policy: alt(&[
                r"\b(?:cookie|privacy|data)[\s-]*(?:policy|notice|statement)\b",
                r"\bcookie-?(?:richtlinie|erklärung|hinweise)\w*|\bdatenschutz(?:erklärung|hinweise|richtlinie)\w*",
                r"\bpolitique (?:de |des |relative aux )?(?:cookies|confidentialité)\b",
                r"\bpol[ií]tica de (?:cookies|privacidad|privacidade|privacidade)\b",
                r"\binformativa (?:sui |sulla )?(?:cookie|privacy)\b",
                r"\b(?:cookie|privacy)(?:beleid|verklaring)\b|\bpolityk\w* (?:cookies|prywatności)\b|\bintegritetspolicy\b|\bcookiepoli\w*",
                r"\bprivatlivspolitik\b|\bpersonvernerklæring\b|\bevästekäytäntö\b|\btietosuojaseloste\b|\bzásady (?:cookies|ochrany)\w*",
            ])?,
            age: alt(&[
                r"\bare you (?:over |at least )?(?:18|19|21)\b|\b(?:over|at least) (?:18|21) (?:years|or older)|\b(?:i am|i['’]m) (?:over |at least )?(?:18|21)\b",
                r"\b(?:18|21) ?\+|\blegal (?:drinking )?age\b|\bage verification\b|\bverify your age\b|\bdate of birth\b",
                r"\büber 18\b|\bab 18\b|\bmindestens 18\b|\bvolljährig\w*|\balters(?:prüfung|verifikation|verifizierung|bestätigung)\b|\bgeburtsdatum\b",
                r"\bavez[- ]vous (?:plus de )?18\b|\b18 ans\b|\bâge légal\b|\bvotre âge\b",
                r"\bmayor(?:es)? de (?:edad|18)\b|\b18 años\b|\bmaggiorenne\b|\b18 anni\b|\b18 jaar\b|\bmaior(?:es)? de (?:idade|18)\b|\b18 anos\b",
                r"\bpełnolet\w*|\b18 lat\b|\bmyndig\b|\b18 år\b|\btäysi-?ikäi\w*|\b18 vuot\w*|\bplnolet\w*|\b18 let\b",
            ])?,
            login: alt(&[
                r"\b(?:password|passwort|kennwort|mot de passe|contraseña|wachtwoord|senha|hasło|lösenord|adgangskode|passord|salasana|heslo)\b",
            ])?,
            newsletter: alt(&[r"\bnewsletter\w*|\be-?mail\w*|\bcorreo electr[oó]nico\b|\be-?post\w*|\bsähköpost\w*"])?,
            pay: alt(&[
                r"\bsubscri\w*|\bpay\b|\bpaying\b|\bads?-?free\b|\bwithout ads\b|(?-i:\bPUR\b)|\bcontentpass\b|€ ?\d|\d ?€",
                r"\babos?\b|\babonn\w*|\bwerbefrei\w*|\bohne werbung\b|\bsans pub\w*|\bsuscri\w*|\bsin (?:publicidad|anuncios)\b",
                r"\babbona\w*|\bsenza pubblicità\b|\bzonder (?:advertenties|reclame)\b|\bassin(?:ar|e|atura|aturas|ante|antes)\b|\bsem (?:publicidade|anúncios)\b",
                r"\bsubskrypcj\w*|\bprenumer\w*|\bbez reklam\w*|\butan reklam\b|\buden reklamer\b|\buten reklame\b|\bilman mainoksia\b|\bpředplat\w*",
            ])?,
            refuse: alt(&[
                r"\b(?:reject|decline|deny|refuse|disagree)\b",
                r"\b(?:\w*ablehnen|verweigern|zurückweisen|widersprechen)\b|\blehne (?:\w+ )?ab\b",
                r"\b(?:refuser|rejeter|rechazar|rechazo|denegar|rifiut\w*|\w*weigeren|weiger|afwijzen|rejeitar|rejeito|recusar|recuso)\b|\bwijs (?:\w+ )?af\b",
                r"\b(?:odrzuć|odrzuc|odrzucam|odrzucić|odmów|odmawiam|avvisa|avböj|neka|avslå|afvis|afvise|afslå|avvis)\b",
                r"\b(?:hylkää|hylkään|kieltäydy|odmítnout|odmítám|nesouhlasím|nepřijímat|nepovolit)\b",
            ])?,
            negated: alt(&[
                r"\b(?:do not|don['’]?t|not) (?:accept|agree|consent|allow)\w*|\bwithout (?:accepting|agreeing|consent\w*|cookies)\b",
                r"\bnicht (?:akzeptieren|zustimmen|einverstanden|zulassen|erlauben|einwilligen|annehmen)\b|\b(?:stimme|willige) nicht (?:zu|ein)\b",
                r"\bohne (?:einwilligung|zustimmung|akzeptieren|zu akzeptieren|cookies)\b",
                r"\bne pas (?:accepter|consentir|autoriser)\b|\bn['’] ?accepte pas\b|\bsans (?:accepter|consentir|cookies)\b|\bpas d['’]accord\b",
                r"\bno (?:aceptar|acepto|permitir|consiento|estoy de acuerdo)\b|\bsin aceptar\b",
                r"\bnon (?:accettare|accetto|acconsento|consentire|sono d['’]accordo)\b|\bsenza (?:accettare|consenso)\b",
                r"\b(?:niet|geen) (?:accepteren|akkoord|toestaan)\b|\bzonder (?:te )?(?:accepteren|akkoord|toestemming)\b|\bga niet akkoord\b",
                r"\bn[ãa]o (?:aceitar|aceito|concordo|permitir|autorizo|autorizar)\b|\bsem (?:aceitar|consentimento)\b",
                r"\bnie (?:akceptuj\w*|zgadzam się|zgadzam|zezwalam|wyrażam zgody)|\bbez (?:akceptacji|zgody)\b",
                r"\b(?:acceptera|godkänn|godkänner|tillåt) inte\b|\butan att (?:acceptera|godkänna)\b",
                r"\b(?:accepter|acceptér|accepterer|godkend|tillad|godta|godtar|aksepter|tillat) ikke\b",
                r"\bikke (?:accepter|acceptér|godkend|tillad|godta|aksepter|tillat)\b|\buden at (?:acceptere|godkende)\b|\buten å (?:godta|akseptere)\b",
                r"\b(?:älä|en) hyväksy\b|\bhyväksymättä\b|\bbez souhlasu\b",
            ])?,
            necessary: alt(&[
                r"(?P<neg>\b(?:non|not|nicht|no|niet|não|nao|nie|ej|icke|ikke|ei)[\s-]*)?\b(?:necessar\w*|n[ée]cessaire\w*|necesari\w*|necess[áa]ri\w*|essen[tz]i\w*|essenci\w*|notwendig\w*|erforderlich\w*|required|noodzakelijk\w*|niezbędn\w*|wymagan\w*|nödvändig\w*|nødvendig\w*|välttämättöm\w*|nezbytn\w*|nutn[éá]\w*|imprescindibl\w*|functional|funktional\w*|functionele|fonctionnel\w*)",
            ])?,
            only: alt(&[
                r"\b(?:only|just|nur|lediglich|ausschließlich|uniquement|seulement|seuls?|solo|sólo|solamente|únicamente|unicamente|soltanto|alleen|enkel|uitsluitend)\b",
                r"\b(?:apenas|somente|só|tylko|wyłącznie|endast|bara|enbart|kun|bare|vain|pouze|jen|jenom)\b",
            ])?,
            all: alt(&[
                r"\b(?:all|alle|alla|alles|tout|tous|toutes|todo|todos|todas|tutto|tutti|tutte|tudo|wszystkie|wszystko|kaikki|vše|všechny)\b",
            ])?,
            use_verb: alt(&[
                r"\b(?:use|verwenden|nutzen|utiliser|usar|utilizar|usa|gebruik|gebruiken|używaj|använd|brug|bruk|käytä|použít)\b",
                r"\b(?:continue|weiter|continuer|continuar|continua) (?:with|mit|avec|con)\b",
            ])?,
            settings: alt(&[
                r"\b(?:settings?|customi[sz]e|preferences|options|configure|manage)\b|\blet me choose\b",
                r"\b\w*einstellungen\b|\b(?:anpassen|verwalten|optionen|konfigurieren|\w*präferenzen)\b",
                r"\b(?:paramètres|paramétrer|paramétrage|personnaliser|gérer|préférences|configurer|réglages)\b",
                r"\b(?:configurar|configuración|personalizar|gestionar|opciones|preferencias|ajustes|administrar)\b",
                r"\b(?:impostazioni|personalizza|personalizzare|gestisci|gestire|preferenze|opzioni|configura)\b",
                r"\b\w*instellingen\b|\b(?:aanpassen|beheren|voorkeuren|opties)\b",
                r"\b(?:definições|configurações|gerir|gerenciar|preferências|opções)\b",
                r"\b(?:ustawienia|dostosuj|zarządzaj|preferencje|opcje|konfiguruj)\b",
                r"\b\w*inställningar\b|\b(?:anpassa|hantera|preferenser)\b|\b\w*indstillinger\b|\b(?:tilpas|administrer|præferencer)\b",
                r"\b\w*innstillinger\b|\b(?:tilpass|preferanser)\b|\b\w*asetukset\b|\b(?:mukauta|hallinnoi|hallitse)\b",
                r"\b(?:nastavení|přizpůsobit|spravovat|upravit)\b",
            ])?,
            accept: alt(&[
                r"\b(?:accept|allow|agree|ok|okay|understood)\b|\bgot it\b|\bi understand\b|^(?:i )?consent(?: (?:to all|all|and (?:continue|close)))?$",
                r"\b(?:\w*akzeptieren|akzeptiere|zustimmen|einverstanden|\w*zulassen|erlauben|annehmen|einwilligen|verstanden)\b|\bstimme (?:\w+ ){0,2}zu\b",
                r"\bmit werbung (?:weiter\w*|lesen|fortfahren|nutzen|zustimmen)\b|\bweiter mit werbung\b|\b(?:continue|read) with ads\b",
                r"\b(?:accepter|acceptez|accepte|autoriser|consentir|compris)\b|\bj['’] ?accepte\b|\bd['’]accord\b",
                r"\b(?:aceptar|acepto|acepta|aceptamos|permitir|consiento|entendido)\b|\bde acuerdo\b",
                r"\b(?:accetta|accetto|accettare|acconsento|consenti|consento)\b|\bho capito\b",
                r"\b(?:\w*accepteren|accepteer|akkoord|\w*toestaan|begrepen|oké)\b|\bsta (?:\w+ ){0,2}toe\b",
                r"\b(?:aceitar|aceito|aceite|concordo|autorizar|entendi)\b|\bestou de acordo\b",
                r"\b(?:akceptuj|akceptuję|akceptuje|zaakceptuj|zaakceptuję|zezwól|zezwalam|rozumiem)\b|\bzgadzam się|\bwyrażam zgodę|\bprzejdź do serwisu\b",
                r"\b(?:acceptera|godkänn|godkänner|tillåt|okej)\b|\bjag förstår\b",
                r"\b(?:acceptér|accepterer|acceptere|tillad|godkend|forstået|godta|godtar|aksepter|aksepterer|tillat|forstått)\b",
                r"\b(?:hyväksy|hyväksyn|salli|ymmärrän|přijmout|přijímám|souhlasím|povolit|rozumím)\b",
            ])?,
            save: alt(&[
                r"\b(?:save|speichern|enregistrer|guardar|salva|salvare|opslaan|salvar|gravar|zapisz|spara|gem|lagre|tallenna|uložit)\b",
                r"\b(?:confirm|bestätigen|confirmer|valider|confirmar|conferma|confermo|bevestig|bevestigen|potwierdź|potwierdzam|bekräfta|bekræft|bekreft|vahvista|potvrdit)\b",
            ])?,
            selection: alt(&[
                r"\b(?:selection|selected|auswahl|ausgewählte\w*|sélection|selecci[oó]n|seleccionad\w*|selezion\w*|selectie|geselecteerde)\b",
                r"\b(?:seleção|selecionad\w*|wybran\w*|wybór|urval|valda|valgte|valgt|valg|valitut|vybran\w*)\b",
            ])?,
        })
    }
}

#[cfg(test)]
#[path = "heuristic_tests.rs"]
mod tests;
