//! The trade catalogue: thirty lines of business typical of SSE suppliers to public buyers,
//! each with its CPV codes and NAF sous-classes, the words suppliers use about themselves
//! (names, pitch, offers, references) and, separately, the words public buyers use in their
//! needs (titles, objects, specifications, keywords, confounding titles).
//!
//! The two vocabularies are deliberately different: buyers write « fauchage des accotements »
//! where suppliers write « tonte et débroussaillage ». An activity's first CPV code is always
//! one of its trade's `own_cpv` codes, which no other trade uses, and activity labels and offer
//! titles are unique across trades: that is what lets [`classify_supplier`] recover a generated
//! supplier's trades exactly from its JSON. What this module does not do: generate anything.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::model::supplier::{Activity, Mode, Supplier};

use super::structures::Profile;
use super::structures::Profile::*;

/// How far suppliers of a trade usually travel.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reach {
    Local,
    Regional,
    National,
}

/// One line of business.
#[derive(Debug)]
pub struct Trade {
    /// Stable identifier (`green_spaces`), used in the ground-truth file.
    pub key: &'static str,
    /// French label.
    pub label: &'static str,
    /// CPV codes (8 digits) only this trade uses; an activity's first code is one of them.
    pub own_cpv: &'static [&'static str],
    /// Further CPV codes suppliers of this trade add; may overlap other trades.
    pub extra_cpv: &'static [&'static str],
    /// CPV codes buyers put on needs for this trade, often coarser.
    pub buyer_cpv: &'static [&'static str],
    pub naf: &'static [&'static str],
    pub modes: &'static [Mode],
    pub reach: Reach,
    pub profiles: &'static [(Profile, u32)],
    pub labels: &'static [&'static str],
    /// Activity labels (unique across trades).
    pub activity_labels: &'static [&'static str],
    /// Name stems; `{city}` and `{de_city}` are filled with the supplier's commune.
    pub names: &'static [&'static str],
    /// Sentences of the supplier's self-description.
    pub pitch: &'static [&'static str],
    /// Offers: (title unique across trades, description).
    pub offers: &'static [(&'static str, &'static str)],
    /// What the supplier did for a past client; `{n}` is a number.
    pub works: &'static [&'static str],
    /// Short need titles, in buyers' words.
    pub buyer_titles: &'static [&'static str],
    /// Noun phrases with their article, to follow « a pour objet ».
    pub buyer_objects: &'static [&'static str],
    /// Specification sentences; `{n}` is a number.
    pub buyer_details: &'static [&'static str],
    pub buyer_keywords: &'static [&'static str],
    /// What a small town asks for in plain words (after « nous cherchons »).
    pub colloquial: &'static [&'static str],
    /// Titles built on a word several trades share (restauration, entretien, collecte…).
    pub ambiguous_titles: &'static [&'static str],
    /// Trades whose suppliers are a weaker but real fit (grade 1).
    pub related: &'static [&'static str],
    /// Relative number of suppliers.
    pub supply: f64,
    /// Relative number of needs.
    pub demand: f64,
    /// Typical contract amount range, in euros.
    pub amount_eur: (f64, f64),
}

const SERVICES: &[Mode] = &[Mode::Services];
const GOODS: &[Mode] = &[Mode::Goods];
const GOODS_SERVICES: &[Mode] = &[Mode::Goods, Mode::Services];

/// The catalogue. Order matters for reproducibility: never reorder, only append.
pub static TRADES: &[Trade] = &[
    Trade {
        key: "green_spaces",
        label: "Entretien des espaces verts",
        own_cpv: &["77310000", "77311000", "77313000", "77314000", "77312000"],
        extra_cpv: &["77342000", "77314100", "77315000"],
        buyer_cpv: &[
            "77310000", "77300000", "77313000", "77314000", "77312000", "77000000",
        ],
        naf: &["81.30Z"],
        modes: SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Esat, 24),
            (Aci, 22),
            (Ea, 10),
            (Ei, 16),
            (Ai, 4),
            (Scop, 6),
            (Association, 6),
            (Scic, 3),
            (Geiq, 2),
            (Etti, 2),
            (EsusCompany, 5),
        ],
        labels: &[
            "Ecocert",
            "Qualipaysage",
            "ISO 14001",
            "Label Lucie",
            "Certiphyto",
        ],
        activity_labels: &[
            "Entretien d'espaces verts",
            "Tonte et taille de haies",
            "Création et entretien de jardins",
            "Débroussaillage et désherbage alternatif",
        ],
        names: &[
            "Les Jardins {de_city}",
            "Vert Solidaire",
            "Terre & Paysage",
            "Les Jardiniers {de_city}",
            "Paysages Partagés",
            "Brin d'Herbe",
            "La Main Verte",
            "Val Paysage",
            "La Haie Vive",
            "Espaces Verts Solidaires",
            "Graines d'Avenir",
            "Pousses {de_city}",
        ],
        pitch: &[
            "Nous assurons l'entretien des espaces verts : tonte, taille de haies et d'arbustes, débroussaillage, ramassage des feuilles.",
            "Nos équipes travaillent en gestion différenciée et sans produits phytosanitaires (désherbage mécanique et thermique).",
            "Création de massifs, engazonnement, plantations et paillage : nous accompagnons vos projets paysagers.",
            "Les déchets verts sont broyés et valorisés en paillage ou en compost.",
            "Entretien régulier ou ponctuel de parcs, jardins, cimetières, abords d'entreprises et résidences.",
            "Nous utilisons du matériel électrique sur batterie pour limiter le bruit en zone habitée.",
        ],
        offers: &[
            (
                "Tonte et entretien des pelouses",
                "Tonte régulière, ramassage ou mulching, bordures et finitions.",
            ),
            (
                "Taille de haies et d'arbustes",
                "Taille douce ou de formation, évacuation et broyage des déchets verts.",
            ),
            (
                "Désherbage alternatif",
                "Désherbage manuel, mécanique ou thermique, zéro phyto.",
            ),
            (
                "Création de jardins et massifs",
                "Conception, plantation, paillage et arrosage.",
            ),
            (
                "Débroussaillage de terrains",
                "Débroussaillage de terrains, talus et abords, y compris obligations légales de débroussaillement.",
            ),
            (
                "Entretien de cimetières",
                "Désherbage des allées, entretien des abords, ramassage des déchets.",
            ),
        ],
        works: &[
            "entretien annuel de {n} hectares de parcs et squares",
            "tonte et taille des haies de {n} sites",
            "désherbage sans phyto d'un cimetière",
            "entretien des abords de la zone d'activités",
            "création d'un jardin partagé en pied d'immeuble",
        ],
        buyer_titles: &[
            "Tonte et débroussaillage",
            "Fauchage des accotements",
            "Entretien des abords et talus",
            "Fauche et ramassage des feuilles",
            "Entretien des parcs et squares",
            "Gestion des surfaces enherbées",
            "Désherbage du cimetière",
            "Maintenance des aires paysagères",
            "Fauchage raisonné des bords de route",
            "Entretien des terrains de sport engazonnés",
        ],
        buyer_objects: &[
            "l'entretien des surfaces enherbées et des massifs fleuris",
            "le fauchage des accotements et le débroussaillage des talus",
            "la tonte des terrains de sport et des aires de jeux",
            "l'entretien des abords des bâtiments communaux",
            "le désherbage manuel du cimetière et des allées",
            "la gestion des parcs, squares et jardins publics",
            "la fauche tardive des prairies et le ramassage des feuilles mortes",
        ],
        buyer_details: &[
            "Les prestations comprennent la tonte, la fauche, la taille des arbustes et l'évacuation des produits de coupe.",
            "L'usage de produits phytopharmaceutiques est proscrit conformément à la loi Labbé.",
            "La fréquence de passage est estimée à {n} interventions par an.",
            "La surface totale à entretenir est d'environ {n} hectares.",
            "Les produits de coupe seront évacués vers la plateforme de compostage intercommunale.",
            "Le titulaire fournit le matériel et les équipements de protection individuelle.",
        ],
        buyer_keywords: &[
            "tonte",
            "fauche",
            "débroussaillage",
            "taille arbustes",
            "ramassage feuilles",
            "zéro phyto",
            "talus",
            "massifs",
            "surfaces enherbées",
            "abords",
        ],
        colloquial: &[
            "quelqu'un pour tondre et entretenir les pelouses autour de la salle des fêtes",
            "quelqu'un pour s'occuper des haies et des massifs de la commune",
            "quelqu'un pour nettoyer le cimetière avant la Toussaint",
            "quelqu'un pour débroussailler un terrain communal",
        ],
        ambiguous_titles: &[
            "Entretien des extérieurs",
            "Entretien des sites communaux – espaces extérieurs",
            "Prestations d'entretien – secteur nord",
        ],
        related: &["tree_care"],
        supply: 12.0,
        demand: 12.0,
        amount_eur: (8_000.0, 250_000.0),
    },
    Trade {
        key: "tree_care",
        label: "Élagage et soins aux arbres",
        own_cpv: &["77341000", "77211400", "77211500", "77340000"],
        extra_cpv: &["77342000", "77211300"],
        buyer_cpv: &["77340000", "77341000", "77211000", "77200000", "77300000"],
        naf: &["81.30Z", "02.40Z"],
        modes: SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Aci, 25),
            (Ei, 25),
            (Scop, 15),
            (Esat, 8),
            (Ea, 8),
            (Association, 8),
            (EsusCompany, 6),
            (Geiq, 5),
        ],
        labels: &[
            "Certificat de spécialisation arboriste-élagueur",
            "Qualipaysage",
            "ISO 14001",
        ],
        activity_labels: &[
            "Élagage et abattage",
            "Taille et soins aux arbres",
            "Grimpe et démontage d'arbres",
        ],
        names: &[
            "Les Grimpeurs {de_city}",
            "Arbres & Insertion",
            "Branche Solidaire",
            "L'Élagueur Coopératif",
            "Cime et Racines",
            "Canopée Solidaire",
            "Les Bûcherons {de_city}",
        ],
        pitch: &[
            "Élagage, taille raisonnée et abattage d'arbres, y compris en rétention et en démontage par grimpe.",
            "Nos arboristes-grimpeurs sont titulaires du certificat de spécialisation taille et soins des arbres.",
            "Broyage des rémanents sur place et valorisation en bois de chauffage ou en paillage.",
            "Diagnostic sanitaire, haubanage et suivi du patrimoine arboré.",
            "Dessouchage et rognage de souches avec notre propre matériel.",
        ],
        offers: &[
            (
                "Élagage et taille raisonnée",
                "Taille douce respectueuse de l'architecture de l'arbre.",
            ),
            (
                "Abattage et démontage",
                "Démontage par grimpe en rétention, y compris en milieu urbain contraint.",
            ),
            (
                "Rognage de souches",
                "Rognage mécanique et remise en état du sol.",
            ),
            (
                "Diagnostic et suivi des arbres",
                "Diagnostic visuel, haubanage, plan de gestion.",
            ),
            (
                "Broyage de branches",
                "Broyage sur place et valorisation en paillage.",
            ),
        ],
        works: &[
            "taille de {n} platanes d'alignement",
            "abattage d'arbres dangereux dans l'enceinte d'un collège",
            "démontage de peupliers en bord de rivière",
            "suivi d'un patrimoine arboré urbain",
        ],
        buyer_titles: &[
            "Taille des platanes d'alignement",
            "Abattage d'arbres dangereux",
            "Soins et taille du patrimoine arboré",
            "Travaux de taille douce des arbres",
            "Mise en sécurité d'arbres",
            "Entretien des arbres d'alignement",
            "Dessouchage et abattage",
        ],
        buyer_objects: &[
            "la taille des arbres d'alignement et des arbres isolés",
            "la mise en sécurité et l'abattage d'arbres présentant un risque de chute",
            "les interventions de taille douce sur le patrimoine arboré communal",
            "l'abattage, le dessouchage et le rognage de souches",
        ],
        buyer_details: &[
            "Les interventions s'effectuent sur voirie, avec balisage et nacelle si nécessaire.",
            "Le patrimoine concerné représente environ {n} sujets.",
            "Les bois issus des abattages restent la propriété de la collectivité.",
            "Une attention particulière sera portée à la période de nidification.",
        ],
        buyer_keywords: &[
            "taille",
            "abattage",
            "arbres d'alignement",
            "nacelle",
            "houppier",
            "dessouchage",
            "platanes",
            "sujets",
        ],
        colloquial: &[
            "quelqu'un pour couper deux gros arbres qui menacent le toit de l'école",
            "quelqu'un pour tailler les tilleuls de la place",
        ],
        ambiguous_titles: &[],
        related: &["green_spaces"],
        supply: 3.0,
        demand: 3.0,
        amount_eur: (5_000.0, 120_000.0),
    },
    Trade {
        key: "cleaning",
        label: "Nettoyage de locaux",
        own_cpv: &["90919200", "90911200", "90919300", "90910000"],
        extra_cpv: &["90919000", "90911000"],
        buyer_cpv: &["90910000", "90900000", "90911200", "90919200", "90919000"],
        naf: &["81.21Z", "81.22Z"],
        modes: SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Ei, 22),
            (Ea, 22),
            (Esat, 12),
            (Ai, 8),
            (Etti, 5),
            (Aci, 6),
            (Scop, 8),
            (Geiq, 4),
            (EsusCompany, 8),
            (Association, 5),
        ],
        labels: &[
            "Qualipropre",
            "ISO 9001",
            "ISO 14001",
            "Label Lucie",
            "Ecolabel européen",
        ],
        activity_labels: &[
            "Nettoyage de bureaux et locaux",
            "Propreté et hygiène des locaux",
            "Entretien ménager",
        ],
        names: &[
            "Net Solidaire",
            "Propre & Juste",
            "Clair Net",
            "Les Services Propreté {de_city}",
            "Éclat Insertion",
            "Net'Avenir",
            "Hygiène Services Solidaires",
            "L'Éponge Solidaire",
            "Brillance {de_city}",
        ],
        pitch: &[
            "Nettoyage de bureaux, d'établissements scolaires et de locaux recevant du public, en contrat régulier ou ponctuel.",
            "Nous utilisons des produits écolabellisés et des méthodes de nettoyage à l'eau (microfibre, vapeur).",
            "Nos agents de propreté sont formés aux protocoles d'hygiène et au travail en horaires décalés.",
            "Entretien des sanitaires, vidage des corbeilles, dépoussiérage, lavage des sols.",
            "Nous privilégions le nettoyage en journée pour favoriser le lien avec les occupants des locaux.",
        ],
        offers: &[
            (
                "Nettoyage de bureaux",
                "Passages quotidiens ou hebdomadaires, sanitaires, sols, corbeilles.",
            ),
            (
                "Entretien des sols",
                "Lavage mécanisé, décapage et remise en cire des sols souples.",
            ),
            (
                "Nettoyage de locaux scolaires",
                "Classes, restaurants scolaires et sanitaires, pendant et hors vacances.",
            ),
            (
                "Désinfection des points de contact",
                "Poignées, interrupteurs, rampes : protocole renforcé.",
            ),
            (
                "Remplacement d'agents d'entretien",
                "Intervention rapide en cas d'absence de vos agents.",
            ),
        ],
        works: &[
            "nettoyage quotidien de {n} m² de bureaux",
            "entretien des locaux administratifs",
            "propreté des écoles maternelles et élémentaires",
            "nettoyage des locaux d'une médiathèque",
        ],
        buyer_titles: &[
            "Entretien des locaux administratifs",
            "Prestations de propreté des bâtiments",
            "Ménage des écoles",
            "Nettoyage courant des bâtiments communaux",
            "Hygiène et propreté des équipements publics",
            "Entretien ménager de la mairie",
            "Prestation de nettoyage des surfaces intérieures",
        ],
        buyer_objects: &[
            "l'entretien courant des locaux administratifs et des sanitaires",
            "les prestations de propreté des groupes scolaires",
            "le ménage des salles communales et du gymnase",
            "la propreté des locaux du siège et des antennes territoriales",
            "le nettoyage des surfaces intérieures des équipements publics",
        ],
        buyer_details: &[
            "La surface totale à traiter est d'environ {n} m².",
            "Les interventions ont lieu en dehors des heures d'ouverture au public, avant 8 h ou après 18 h.",
            "Les produits utilisés devront disposer d'un écolabel.",
            "Le titulaire assure la fourniture des consommables sanitaires (papier, savon).",
            "Un cahier de liaison permettra le suivi qualité des prestations.",
        ],
        buyer_keywords: &[
            "ménage",
            "sanitaires",
            "sols",
            "vidage corbeilles",
            "dépoussiérage",
            "surfaces",
            "m²",
            "consommables",
        ],
        colloquial: &[
            "quelqu'un pour faire le ménage de la mairie deux fois par semaine",
            "quelqu'un pour entretenir la salle des fêtes après chaque location",
        ],
        ambiguous_titles: &[
            "Entretien des locaux",
            "Prestations d'entretien – lot 1",
            "Entretien des bâtiments communaux",
        ],
        related: &["window_cleaning", "post_works_cleaning"],
        supply: 10.0,
        demand: 11.0,
        amount_eur: (10_000.0, 400_000.0),
    },
    Trade {
        key: "window_cleaning",
        label: "Nettoyage de vitres",
        own_cpv: &["90911300"],
        extra_cpv: &["90911000"],
        buyer_cpv: &["90911300", "90911000", "90910000"],
        naf: &["81.22Z", "81.21Z"],
        modes: SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Ei, 25),
            (Ea, 25),
            (Esat, 10),
            (Scop, 10),
            (Aci, 5),
            (EsusCompany, 10),
            (Ai, 5),
            (Geiq, 5),
        ],
        labels: &["Qualipropre", "ISO 9001", "Label Lucie"],
        activity_labels: &[
            "Lavage de vitres",
            "Vitrerie et nettoyage de façades vitrées",
        ],
        names: &[
            "Vitres Claires",
            "Transparence Solidaire",
            "Reflets {de_city}",
            "Clair Vitrage",
            "Cristal Insertion",
        ],
        pitch: &[
            "Lavage de vitres, baies vitrées, vérandas et façades vitrées, à la perche à eau pure ou sur nacelle.",
            "Nos laveurs de vitres sont formés au travail en hauteur.",
            "Nettoyage des encadrements, stores et enseignes.",
        ],
        offers: &[
            (
                "Lavage de vitres à la perche",
                "Eau osmosée, sans produit, jusqu'à quatre étages.",
            ),
            (
                "Nettoyage de façades vitrées",
                "Travail sur nacelle ou par cordistes, encadrements compris.",
            ),
            (
                "Nettoyage de vérandas et verrières",
                "Intérieur et extérieur, avec démoussage.",
            ),
        ],
        works: &[
            "lavage trimestriel des vitres de {n} bâtiments",
            "nettoyage de la verrière d'une médiathèque",
        ],
        buyer_titles: &[
            "Lavage des surfaces vitrées",
            "Nettoyage des baies et verrières",
            "Entretien des vitrages des bâtiments",
            "Nettoyage des vitres – groupes scolaires",
        ],
        buyer_objects: &[
            "le lavage des surfaces vitrées intérieures et extérieures des bâtiments",
            "le nettoyage des verrières, baies et châssis",
            "l'entretien périodique des vitrages",
        ],
        buyer_details: &[
            "La surface vitrée est estimée à {n} m², dont une partie accessible uniquement par nacelle.",
            "Les interventions sont trimestrielles.",
            "Le titulaire est responsable de la sécurité du travail en hauteur.",
        ],
        buyer_keywords: &[
            "vitrages",
            "châssis",
            "baies",
            "nacelle",
            "verrière",
            "surfaces vitrées",
        ],
        colloquial: &["quelqu'un pour laver les fenêtres de l'école pendant les vacances"],
        ambiguous_titles: &[],
        related: &["cleaning"],
        supply: 2.0,
        demand: 2.5,
        amount_eur: (3_000.0, 80_000.0),
    },
    Trade {
        key: "post_works_cleaning",
        label: "Nettoyage de fin de chantier",
        own_cpv: &["45452000", "45452100"],
        extra_cpv: &["90911200", "90910000"],
        buyer_cpv: &["90910000", "45452000", "90911200", "45450000"],
        naf: &["81.22Z", "43.39Z"],
        modes: SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Ei, 30),
            (Aci, 15),
            (Etti, 10),
            (Ea, 10),
            (Scop, 10),
            (Ai, 10),
            (EsusCompany, 10),
            (Geiq, 5),
        ],
        labels: &["Qualipropre", "ISO 9001", "MASE"],
        activity_labels: &[
            "Nettoyage après travaux",
            "Remise en état de logements",
            "Nettoyage de chantier",
        ],
        names: &[
            "Chantier Net",
            "Fin de Chantier Solidaire",
            "Clé en Main Propreté",
            "Remise à Neuf {de_city}",
            "Net Chantier Insertion",
        ],
        pitch: &[
            "Nettoyage de fin de chantier avant réception : dépoussiérage, enlèvement des protections, décollage des laitances et traces de peinture.",
            "Remise en état de logements entre deux locataires pour les bailleurs sociaux.",
            "Évacuation des gravats et nettoyage des parties communes pendant les travaux.",
            "Débarras et nettoyage de logements encombrés.",
        ],
        offers: &[
            (
                "Nettoyage de fin de chantier",
                "Nettoyage complet avant réception ou livraison.",
            ),
            (
                "Remise en état de logements",
                "Entre deux locations : sols, vitres, sanitaires, cuisine.",
            ),
            (
                "Nettoyage des parties communes en phase travaux",
                "Passages réguliers pendant la durée du chantier.",
            ),
            (
                "Débarras de locaux",
                "Vidage, tri et évacuation en filières.",
            ),
        ],
        works: &[
            "remise en état de {n} logements par an",
            "nettoyage de réception d'une résidence neuve",
            "nettoyage après réhabilitation d'un groupe scolaire",
        ],
        buyer_titles: &[
            "Nettoyage avant réception des travaux",
            "Remise en état des logements vacants",
            "Nettoyage des logements à la relocation",
            "Nettoyage consécutif aux travaux de réhabilitation",
        ],
        buyer_objects: &[
            "le nettoyage des ouvrages avant réception",
            "la remise en état des logements libérés avant relocation",
            "le nettoyage des parties communes à l'issue des travaux de réhabilitation",
        ],
        buyer_details: &[
            "Les prestations comprennent l'enlèvement des films de protection, le décollage des traces de plâtre et de peinture et l'aspiration des poussières.",
            "Environ {n} logements sont concernés chaque année.",
            "Le titulaire interviendra sur bon de commande sous 5 jours ouvrés.",
        ],
        buyer_keywords: &[
            "avant réception",
            "relocation",
            "logements vacants",
            "traces de peinture",
            "poussières de chantier",
        ],
        colloquial: &["quelqu'un pour nettoyer l'ancienne école après les travaux de peinture"],
        ambiguous_titles: &[],
        related: &["cleaning"],
        supply: 2.0,
        demand: 2.0,
        amount_eur: (5_000.0, 150_000.0),
    },
    Trade {
        key: "catering",
        label: "Restauration collective",
        own_cpv: &[
            "55523100", "55524000", "55512000", "55521100", "55510000", "55511000",
        ],
        extra_cpv: &["15894210", "15894200", "55320000", "55321000"],
        buyer_cpv: &[
            "55500000", "55520000", "55524000", "15894200", "55000000", "55321000", "15894210",
        ],
        naf: &["56.29A", "56.29B"],
        modes: GOODS_SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Esat, 25),
            (Ea, 15),
            (Aci, 15),
            (Ei, 15),
            (Scic, 10),
            (Association, 10),
            (Scop, 5),
            (EsusCompany, 5),
        ],
        labels: &[
            "Ecocert En Cuisine",
            "Agriculture biologique (AB)",
            "Label Lucie",
            "Bleu-Blanc-Cœur",
        ],
        activity_labels: &[
            "Restauration collective",
            "Préparation et livraison de repas en liaison froide",
            "Portage de repas à domicile",
            "Gestion de restaurant d'entreprise",
        ],
        names: &[
            "La Table Solidaire",
            "Les Cuisines {de_city}",
            "Saveurs Partagées",
            "Le Bon Repas",
            "Cuisine & Insertion",
            "Les Fourneaux Solidaires",
            "L'Assiette Locale",
            "Cantine Coop",
        ],
        pitch: &[
            "Nous préparons chaque jour des repas pour les écoles, crèches et établissements médico-sociaux, en liaison froide ou chaude.",
            "Notre cuisine centrale privilégie les produits locaux, de saison et issus de l'agriculture biologique, conformément à la loi EGalim.",
            "Portage de repas à domicile pour les personnes âgées, avec menus adaptés (textures modifiées, régimes).",
            "Gestion de restaurants d'entreprise et de cafétérias.",
            "Nos équipes sont formées à l'HACCP et aux plans de maîtrise sanitaire.",
        ],
        offers: &[
            (
                "Repas en liaison froide",
                "Repas préparés en cuisine centrale, livrés en barquettes réfrigérées.",
            ),
            (
                "Restauration scolaire",
                "Menus élaborés par notre diététicienne, 50 % de produits durables.",
            ),
            (
                "Portage de repas",
                "Livraison quotidienne au domicile des personnes âgées.",
            ),
            (
                "Gestion de cafétéria",
                "Exploitation de restaurants administratifs et d'entreprise.",
            ),
            (
                "Menus adaptés et régimes",
                "Textures modifiées, sans sel, diabétiques.",
            ),
        ],
        works: &[
            "fourniture de {n} repas par jour aux écoles",
            "portage de repas au domicile des personnes âgées",
            "gestion d'un restaurant administratif",
        ],
        buyer_titles: &[
            "Fourniture de repas pour la cantine scolaire",
            "Restauration scolaire et périscolaire",
            "Confection et livraison de repas en liaison froide",
            "Repas du centre de loisirs",
            "Portage de repas aux personnes âgées",
            "Fourniture de repas pour l'EHPAD",
            "Déjeuners des crèches municipales",
        ],
        buyer_objects: &[
            "la fourniture et la livraison de repas en liaison froide pour les écoles",
            "la confection de repas pour le restaurant scolaire et l'accueil de loisirs",
            "la préparation et la livraison de repas au domicile des personnes âgées",
            "la fourniture des repas des crèches et du multi-accueil",
        ],
        buyer_details: &[
            "Le volume prévisionnel est de {n} repas par jour scolaire.",
            "Les menus respecteront les exigences de la loi EGalim : au moins 50 % de produits durables et de qualité dont 20 % issus de l'agriculture biologique.",
            "Un repas végétarien hebdomadaire sera proposé.",
            "Les repas sont livrés en barquettes recyclables dans des véhicules frigorifiques.",
            "Le titulaire participe à la commission menus trimestrielle.",
        ],
        buyer_keywords: &[
            "repas",
            "liaison froide",
            "cantine",
            "EGalim",
            "menus",
            "barquettes",
            "convives",
            "périscolaire",
        ],
        colloquial: &[
            "quelqu'un pour fournir les repas de la cantine de l'école (environ 80 enfants)",
            "quelqu'un pour livrer des repas chauds aux anciens du village",
        ],
        ambiguous_titles: &[
            "Restauration",
            "Marché de restauration",
            "Prestation de restauration – lot 1",
            "Restauration du personnel",
        ],
        related: &["event_catering"],
        supply: 5.0,
        demand: 6.0,
        amount_eur: (30_000.0, 1_500_000.0),
    },
    Trade {
        key: "event_catering",
        label: "Traiteur et plateaux-repas",
        own_cpv: &["55520000", "55523000", "55521200", "15811511"],
        extra_cpv: &["15894400", "15894300", "55320000"],
        buyer_cpv: &["55520000", "55500000", "55300000", "79952000", "15894200"],
        naf: &["56.21Z"],
        modes: GOODS_SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Esat, 20),
            (Ea, 15),
            (Aci, 15),
            (Ei, 20),
            (Scop, 10),
            (Scic, 5),
            (Association, 10),
            (EsusCompany, 5),
        ],
        labels: &[
            "Ecocert En Cuisine",
            "Agriculture biologique (AB)",
            "Label Lucie",
        ],
        activity_labels: &[
            "Traiteur événementiel",
            "Plateaux-repas et buffets",
            "Cocktails et pauses gourmandes",
        ],
        names: &[
            "Le Traiteur Solidaire",
            "Les Délices {de_city}",
            "Buffet Partagé",
            "Papilles & Co",
            "La Fabrique à Plateaux",
            "Saveurs du Monde Solidaires",
            "Gourmandises Solidaires",
        ],
        pitch: &[
            "Traiteur solidaire : plateaux-repas, buffets froids, cocktails et pauses café pour vos réunions et événements.",
            "Cuisine maison à partir de produits frais et locaux, options végétariennes et sans gluten.",
            "Livraison en vaisselle réutilisable ou en contenants compostables.",
            "Le service en salle est assuré par notre équipe lors des cocktails.",
        ],
        offers: &[
            (
                "Plateaux-repas",
                "Entrée, plat, dessert, livrés en contenants consignés.",
            ),
            ("Buffets froids", "De 10 à 300 personnes, salé et sucré."),
            (
                "Cocktails dînatoires",
                "Pièces cocktail, service et vaisselle compris.",
            ),
            (
                "Pauses café et petits-déjeuners",
                "Viennoiseries, jus de fruits locaux, café équitable.",
            ),
            (
                "Paniers pique-nique",
                "Pour les sorties scolaires et les événements en plein air.",
            ),
        ],
        works: &[
            "cocktail des vœux pour {n} invités",
            "plateaux-repas des conseils communautaires",
            "pauses café des formations du centre de gestion",
        ],
        buyer_titles: &[
            "Collations et buffets pour les réceptions",
            "Prestations de bouche pour les manifestations",
            "Déjeuners de travail livrés",
            "Cocktail des vœux du maire",
            "Repas froids livrés pour les réunions",
            "Pauses et collations des séminaires",
        ],
        buyer_objects: &[
            "la fourniture de collations, buffets et cocktails lors des manifestations officielles",
            "la livraison de déjeuners de travail pour les réunions des élus",
            "les prestations de bouche des séminaires et journées d'étude",
        ],
        buyer_details: &[
            "Environ {n} prestations sont prévues par an, de 10 à 300 convives.",
            "Les contenants jetables en plastique sont proscrits.",
            "Une offre végétarienne doit être systématiquement proposée.",
            "La livraison s'effectue au plus tard 30 minutes avant le début de la réunion.",
        ],
        buyer_keywords: &[
            "collations",
            "cocktail",
            "buffet",
            "convives",
            "réunions",
            "déjeuner de travail",
            "vaisselle réutilisable",
        ],
        colloquial: &[
            "un traiteur pour un buffet de 120 personnes à l'inauguration de la médiathèque",
            "des sandwichs et boissons pour une réunion de 20 personnes",
        ],
        ambiguous_titles: &[
            "Restauration lors des manifestations",
            "Prestations de restauration événementielle",
        ],
        related: &["catering"],
        supply: 4.0,
        demand: 3.5,
        amount_eur: (2_000.0, 90_000.0),
    },
    Trade {
        key: "laundry",
        label: "Blanchisserie et repassage",
        own_cpv: &[
            "98310000", "98311000", "98311100", "98311200", "98315000", "98312000",
        ],
        extra_cpv: &[],
        buyer_cpv: &["98310000", "98300000", "98311000", "98000000"],
        naf: &["96.01A", "96.01B"],
        modes: SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Esat, 35),
            (Ea, 25),
            (Aci, 10),
            (Ei, 12),
            (Association, 5),
            (Scop, 5),
            (EsusCompany, 8),
        ],
        labels: &[
            "RABC (EN 14065)",
            "ISO 9001",
            "Label Lucie",
            "Ecolabel européen",
        ],
        activity_labels: &[
            "Blanchisserie industrielle",
            "Lavage et repassage du linge",
            "Entretien des vêtements de travail",
        ],
        names: &[
            "La Blanchisserie {de_city}",
            "Linge & Compagnie",
            "Blanc Solidaire",
            "Pli Parfait",
            "Lavandière Solidaire",
            "Le Fil Blanc",
            "Repass'Service",
        ],
        pitch: &[
            "Blanchisserie professionnelle : lavage, séchage, repassage et pliage du linge plat et des vêtements de travail.",
            "Traitement du linge selon la méthode RABC pour les établissements de santé et médico-sociaux.",
            "Collecte et livraison hebdomadaires dans vos locaux, avec traçabilité par puce RFID.",
            "Repassage et petites retouches pour les particuliers et les entreprises.",
        ],
        offers: &[
            (
                "Linge plat",
                "Draps, housses, nappes : lavage, séchage, calandrage et pliage.",
            ),
            (
                "Vêtements de travail",
                "Lavage, contrôle, petites réparations et marquage.",
            ),
            (
                "Linge des résidents",
                "Traitement du linge personnel des résidents d'EHPAD, marquage nominatif.",
            ),
            (
                "Repassage à façon",
                "Repassage et pliage de chemises et de linge de maison.",
            ),
            (
                "Collecte et livraison du linge",
                "Tournées hebdomadaires en chariots fermés.",
            ),
        ],
        works: &[
            "traitement de {n} tonnes de linge par an pour un EHPAD",
            "entretien des tenues des agents techniques",
            "lavage du linge de crèches",
        ],
        buyer_titles: &[
            "Entretien du linge des résidents",
            "Lavage des tenues professionnelles",
            "Traitement du linge plat de l'EHPAD",
            "Location-entretien des vêtements de travail",
            "Nettoyage des textiles des crèches",
            "Lavage des draps et serviettes",
        ],
        buyer_objects: &[
            "le traitement du linge plat et du linge des résidents de l'EHPAD",
            "le lavage et la remise en état des vêtements de travail des agents",
            "le nettoyage des textiles (draps, bavoirs, serviettes) des établissements petite enfance",
        ],
        buyer_details: &[
            "Le volume hebdomadaire est d'environ {n} kg de linge.",
            "Le circuit propre/sale devra respecter la norme RABC (NF EN 14065).",
            "L'enlèvement et la livraison s'effectuent deux fois par semaine dans des chariots fermés.",
            "Le titulaire assure le marquage nominatif des vêtements.",
        ],
        buyer_keywords: &[
            "linge plat",
            "tenues",
            "draps",
            "kg/semaine",
            "RABC",
            "enlèvement-livraison",
            "textiles",
        ],
        colloquial: &[
            "quelqu'un pour laver les nappes et torchons de la cantine",
            "quelqu'un pour entretenir les blouses et tenues des agents",
        ],
        ambiguous_titles: &[
            "Entretien des textiles",
            "Entretien des vêtements de travail",
        ],
        related: &[],
        supply: 4.0,
        demand: 3.0,
        amount_eur: (10_000.0, 300_000.0),
    },
    Trade {
        key: "printing",
        label: "Imprimerie et reprographie",
        own_cpv: &[
            "79810000", "79811000", "79820000", "79821000", "79823000", "79520000", "79521000",
        ],
        extra_cpv: &["22100000", "22140000", "22150000", "22460000"],
        buyer_cpv: &[
            "79800000", "79810000", "22000000", "22100000", "79520000", "79000000",
        ],
        naf: &["18.12Z", "18.13Z", "82.19Z", "18.14Z"],
        modes: GOODS_SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Esat, 25),
            (Ea, 25),
            (Scop, 20),
            (Ei, 5),
            (EsusCompany, 10),
            (Association, 5),
            (Scic, 5),
            (Aci, 5),
        ],
        labels: &["Imprim'Vert", "PEFC", "FSC", "ISO 14001", "ISO 12647-2"],
        activity_labels: &[
            "Impression offset et numérique",
            "Reprographie et photocopie",
            "Façonnage et reliure",
        ],
        names: &[
            "L'Imprimerie Solidaire",
            "Encre Verte",
            "Papier & Partage",
            "Les Ateliers d'Impression {de_city}",
            "Offset Coop",
            "Imprim'Avenir",
            "La Presse Solidaire",
            "Atelier Gutenberg",
        ],
        pitch: &[
            "Impression offset et numérique : flyers, affiches, brochures, magazines, papeterie et cartes de visite.",
            "Atelier de reprographie : photocopies, impression de plans grand format, reliure et plastification.",
            "Certifiés Imprim'Vert, nous utilisons des encres végétales et des papiers recyclés ou issus de forêts gérées durablement.",
            "Façonnage, pliage, assemblage et mise sous film réalisés dans notre atelier.",
            "Conseil en prépresse et vérification de vos fichiers avant impression.",
        ],
        offers: &[
            (
                "Impression de documents",
                "Flyers, brochures, magazines en offset ou numérique.",
            ),
            (
                "Affiches et grands formats",
                "Affiches, bâches, kakémonos, plans.",
            ),
            (
                "Reliure et façonnage",
                "Pliage, piqûre, dos carré collé, plastification.",
            ),
            (
                "Photocopies et reprographie",
                "Tirages noir et couleur, impression de dossiers.",
            ),
            (
                "Papeterie administrative",
                "Enveloppes, papiers à en-tête, cartes de visite, chemises.",
            ),
        ],
        works: &[
            "impression d'un magazine municipal ({n} exemplaires)",
            "tirage des bulletins et affiches électorales",
            "reprographie des dossiers de conseil",
        ],
        buyer_titles: &[
            "Tirage du bulletin municipal",
            "Édition des supports de communication",
            "Fabrication de documents imprimés",
            "Tirage des affiches et flyers",
            "Production des documents de communication de la collectivité",
            "Travaux d'édition et de façonnage",
        ],
        buyer_objects: &[
            "le tirage et le façonnage du magazine d'information municipal",
            "la fabrication des supports de communication imprimés (affiches, dépliants, brochures)",
            "l'édition du rapport d'activité et des documents institutionnels",
        ],
        buyer_details: &[
            "Le magazine paraît {n} fois par an, au format A4, 24 pages quadrichromie.",
            "Le papier devra être certifié PEFC ou FSC, ou recyclé.",
            "Les BAT seront validés sous 48 heures par le service communication.",
            "La livraison s'effectue en un point unique, conditionnée par paquets de 50.",
        ],
        buyer_keywords: &[
            "tirage",
            "quadrichromie",
            "BAT",
            "façonnage",
            "dépliants",
            "exemplaires",
            "papier recyclé",
        ],
        colloquial: &[
            "quelqu'un pour imprimer 500 affiches pour la fête du village",
            "quelqu'un pour imprimer le petit journal de la commune",
        ],
        ambiguous_titles: &[
            "Impression et numérisation de documents",
            "Travaux d'impression",
        ],
        related: &["mailing"],
        supply: 3.0,
        demand: 3.0,
        amount_eur: (3_000.0, 200_000.0),
    },
    Trade {
        key: "mailing",
        label: "Routage et mise sous pli",
        own_cpv: &["79571000", "79570000", "79824000"],
        extra_cpv: &["64112000", "79823000", "79342100"],
        buyer_cpv: &["79570000", "79571000", "64100000", "79800000", "64110000"],
        naf: &["82.19Z", "82.92Z", "53.20Z"],
        modes: SERVICES,
        reach: Reach::National,
        profiles: &[
            (Esat, 35),
            (Ea, 30),
            (Ei, 5),
            (Scop, 5),
            (EsusCompany, 10),
            (Association, 5),
            (Aci, 5),
        ],
        labels: &["ISO 9001", "Label Lucie", "ISO 14001"],
        activity_labels: &[
            "Routage et mise sous pli",
            "Mise sous enveloppe et affranchissement",
            "Publipostage",
        ],
        names: &[
            "Pli Express Solidaire",
            "Le Routeur Solidaire",
            "Enveloppe & Cie",
            "Courrier Plus",
            "Atelier Routage {de_city}",
            "Pli'Service",
        ],
        pitch: &[
            "Mise sous pli manuelle ou mécanisée, étiquetage, affranchissement et dépôt en poste.",
            "Routage de vos magazines, invitations et campagnes de publipostage, avec tri postal pour bénéficier des meilleurs tarifs.",
            "Gestion de fichiers d'adresses : dédoublonnage, normalisation et mise à jour.",
            "Colisage et envoi de kits et d'échantillons.",
        ],
        offers: &[
            (
                "Mise sous pli",
                "Manuelle ou mécanisée, jusqu'à six encarts.",
            ),
            (
                "Affranchissement et dépôt postal",
                "Tri, affranchissement au meilleur tarif et dépôt.",
            ),
            (
                "Publipostage personnalisé",
                "Impression des adresses et personnalisation des courriers.",
            ),
            (
                "Traitement de fichiers d'adresses",
                "Dédoublonnage, normalisation postale, RGPD.",
            ),
            (
                "Mise sous film",
                "Mise sous film de magazines et catalogues.",
            ),
        ],
        works: &[
            "routage d'un magazine à {n} exemplaires",
            "mise sous pli des avis d'imposition locaux",
            "envoi des cartes d'électeurs",
        ],
        buyer_titles: &[
            "Diffusion du magazine aux habitants",
            "Envoi en nombre des courriers",
            "Expédition des cartes d'électeurs",
            "Préparation et dépôt des envois postaux",
            "Distribution postale des invitations",
            "Mise sous enveloppe des courriers",
        ],
        buyer_objects: &[
            "la préparation et l'envoi en nombre des courriers de la collectivité",
            "la mise sous enveloppe, l'affranchissement et le dépôt en poste des invitations",
            "la diffusion postale du journal communautaire auprès des foyers",
        ],
        buyer_details: &[
            "Environ {n} plis sont à préparer par envoi.",
            "Le titulaire assure le tri postal et la remise au centre de dépôt.",
            "Les fichiers d'adresses sont transmis au format CSV, dans le respect du RGPD.",
            "Le délai entre la réception des documents et le dépôt ne pourra excéder 72 heures.",
        ],
        buyer_keywords: &[
            "plis",
            "enveloppes",
            "affranchissement",
            "dépôt",
            "envoi en nombre",
            "fichier adresses",
            "étiquetage",
        ],
        colloquial: &[
            "quelqu'un pour mettre sous enveloppe 3 000 invitations pour le repas des aînés",
        ],
        ambiguous_titles: &[
            "Collecte et traitement du courrier",
            "Gestion du courrier sortant",
        ],
        related: &["packaging", "printing"],
        supply: 2.0,
        demand: 2.0,
        amount_eur: (3_000.0, 120_000.0),
    },
    Trade {
        key: "scanning_archiving",
        label: "Numérisation et archivage",
        own_cpv: &[
            "79999100", "79995100", "72252000", "79560000", "79996100", "72512000",
        ],
        extra_cpv: &["79999000", "79961330"],
        buyer_cpv: &[
            "79999000", "79995100", "79999100", "72512000", "79990000", "79995000",
        ],
        naf: &["82.19Z", "63.11Z", "82.11Z"],
        modes: SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Esat, 25),
            (Ea, 35),
            (Ei, 5),
            (Scop, 10),
            (EsusCompany, 15),
            (Association, 5),
            (Scic, 5),
        ],
        labels: &["ISO 27001", "NF Z42-013", "ISO 9001", "Label Lucie"],
        activity_labels: &[
            "Numérisation de documents",
            "Archivage et tri d'archives",
            "Dématérialisation de documents",
        ],
        names: &[
            "Numéri'Solidaire",
            "Archives & Mémoire",
            "Scan Solidaire",
            "Dématériel",
            "Les Archivistes {de_city}",
            "Docs en Ligne Solidaires",
        ],
        pitch: &[
            "Numérisation de documents de tous formats : registres, plans, actes, dossiers du personnel, photographies.",
            "Indexation, reconnaissance de caractères (OCR) et intégration dans votre GED.",
            "Tri, classement, conditionnement et élimination réglementaire d'archives papier, avec bordereaux validés par les Archives départementales.",
            "Nos opérateurs travaillent dans un atelier sécurisé ou directement dans vos locaux pour les documents sensibles.",
        ],
        offers: &[
            (
                "Numérisation de registres et plans",
                "Scanners A0 et livres, reliures fragiles.",
            ),
            (
                "Indexation et OCR",
                "Métadonnées, texte intégral, export vers votre GED.",
            ),
            (
                "Traitement d'archives papier",
                "Tri, classement, récolement, bordereaux d'élimination.",
            ),
            (
                "Destruction sécurisée",
                "Élimination confidentielle avec certificat de destruction.",
            ),
            (
                "Numérisation des dossiers RH",
                "Dossiers du personnel dématérialisés et indexés.",
            ),
        ],
        works: &[
            "numérisation de {n} registres d'état civil",
            "tri et classement des archives des services techniques",
            "dématérialisation des dossiers d'urbanisme",
        ],
        buyer_titles: &[
            "Dématérialisation des registres d'état civil",
            "Traitement du fonds d'archives",
            "Numérisation des actes et délibérations",
            "Classement et élimination d'archives",
            "Scan des dossiers d'urbanisme",
            "Reprise de l'arriéré d'archives",
        ],
        buyer_objects: &[
            "la dématérialisation des registres d'état civil et des délibérations",
            "le traitement de l'arriéré d'archives (tri, classement, récolement, élimination)",
            "la conversion numérique des dossiers d'autorisation d'urbanisme",
        ],
        buyer_details: &[
            "Le volume est estimé à {n} mètres linéaires.",
            "Les fichiers seront livrés au format PDF/A avec OCR et métadonnées.",
            "Les bordereaux d'élimination sont soumis au visa des Archives départementales.",
            "Les documents ne pourront quitter les locaux de la collectivité.",
        ],
        buyer_keywords: &[
            "mètres linéaires",
            "PDF/A",
            "GED",
            "récolement",
            "registres",
            "OCR",
            "élimination",
        ],
        colloquial: &[
            "quelqu'un pour ranger et trier les archives entassées au grenier de la mairie",
            "quelqu'un pour passer en numérique les vieux registres",
        ],
        ambiguous_titles: &[
            "Impression et numérisation de documents",
            "Gestion documentaire",
        ],
        related: &[],
        supply: 2.0,
        demand: 2.0,
        amount_eur: (5_000.0, 150_000.0),
    },
    Trade {
        key: "weee_recycling",
        label: "Collecte et recyclage des DEEE",
        own_cpv: &["90514000", "90512000"],
        extra_cpv: &["90510000", "90500000", "90511000"],
        buyer_cpv: &["90500000", "90514000", "90510000", "90511000", "90000000"],
        naf: &["38.32Z", "38.12Z", "38.11Z"],
        modes: SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Ei, 30),
            (Aci, 20),
            (Ea, 20),
            (Esat, 5),
            (Scic, 5),
            (Association, 10),
            (EsusCompany, 10),
        ],
        labels: &["ISO 14001", "Partenaire ecosystem", "Label Lucie"],
        activity_labels: &[
            "Collecte et dépollution de DEEE",
            "Recyclage d'équipements électriques et électroniques",
            "Effacement sécurisé de données",
        ],
        names: &[
            "Recycl'Élec",
            "D3E Solidaire",
            "Électro Réemploi",
            "Les Ateliers du Recyclage",
            "Circuits Solidaires",
            "Tri'Tech",
            "Câbles & Cie",
        ],
        pitch: &[
            "Collecte sur site de vos déchets d'équipements électriques et électroniques (DEEE) : informatique, électroménager, téléphonie.",
            "Dépollution, démantèlement et orientation des matières vers les filières agréées, avec bordereau de suivi.",
            "Effacement certifié des données des disques durs avant recyclage ou réemploi.",
            "Partenaire de l'éco-organisme, nous privilégions le réemploi avant le recyclage.",
        ],
        offers: &[
            (
                "Enlèvement de DEEE sur site",
                "Collecte en caisses-palettes, bordereau de suivi.",
            ),
            (
                "Dépollution et démantèlement",
                "Traitement en filières agréées.",
            ),
            (
                "Effacement certifié des données",
                "Effacement logiciel ou broyage des disques, certificat.",
            ),
            (
                "Bornes de collecte",
                "Mise à disposition de bornes pour petits appareils.",
            ),
        ],
        works: &[
            "collecte annuelle des DEEE de {n} sites",
            "enlèvement d'un parc informatique obsolète",
            "opération de collecte d'électroménager en déchèterie",
        ],
        buyer_titles: &[
            "Enlèvement du matériel informatique réformé",
            "Évacuation des équipements électriques hors d'usage",
            "Traitement des appareils électriques usagés",
            "Reprise des matériels informatiques obsolètes",
            "Élimination des déchets électroniques",
        ],
        buyer_objects: &[
            "l'enlèvement et le traitement des matériels informatiques et électriques réformés",
            "la reprise des équipements électroniques hors d'usage avec traçabilité de leur élimination",
            "la collecte des appareils électriques usagés déposés en déchèterie",
        ],
        buyer_details: &[
            "Le volume annuel est estimé à {n} tonnes.",
            "Un bordereau de suivi et un certificat de destruction des données seront remis pour chaque enlèvement.",
            "Les matériels encore fonctionnels pourront faire l'objet d'un réemploi.",
            "Les enlèvements se font sur demande, sous 10 jours.",
        ],
        buyer_keywords: &[
            "matériels réformés",
            "D3E",
            "traçabilité",
            "certificat de destruction",
            "équipements hors d'usage",
            "tonnes",
        ],
        colloquial: &[
            "quelqu'un pour débarrasser les vieux ordinateurs et imprimantes de la mairie",
        ],
        ambiguous_titles: &[
            "Collecte des déchets – lot 3",
            "Collecte et valorisation de déchets",
        ],
        related: &["it_refurbishment"],
        supply: 2.5,
        demand: 2.0,
        amount_eur: (2_000.0, 100_000.0),
    },
    Trade {
        key: "it_refurbishment",
        label: "Reconditionnement informatique",
        own_cpv: &["30213000", "30213100", "30213300", "50312400", "50312600"],
        extra_cpv: &["30200000", "30230000", "30213200"],
        buyer_cpv: &["30200000", "30213000", "30000000", "50312000", "30213100"],
        naf: &["95.11Z", "47.41Z"],
        modes: GOODS_SERVICES,
        reach: Reach::National,
        profiles: &[
            (Ei, 25),
            (Ea, 30),
            (Esat, 5),
            (Scic, 10),
            (Aci, 10),
            (EsusCompany, 15),
            (Association, 5),
        ],
        labels: &[
            "Charte Ordi 3.0",
            "ISO 14001",
            "Label Numérique Responsable",
            "QualiRépar",
        ],
        activity_labels: &[
            "Reconditionnement d'ordinateurs",
            "Vente de matériel informatique reconditionné",
            "Maintenance et réparation informatique",
        ],
        names: &[
            "Ordi Solidaire",
            "Deuxième Vie Numérique",
            "Recyclinfo",
            "Les Ordis {de_city}",
            "PC Réemploi",
            "Numérique Circulaire",
        ],
        pitch: &[
            "Reconditionnement d'ordinateurs portables et fixes issus de parcs d'entreprises et de collectivités : tests, effacement des données, remplacement des pièces, réinstallation.",
            "Vente de matériel reconditionné garanti 12 à 24 mois, avec systèmes libres ou Windows.",
            "Reprise de votre parc informatique et rachat des matériels réemployables.",
            "Réparation et maintenance de postes informatiques, smartphones et tablettes.",
        ],
        offers: &[
            (
                "Ordinateurs reconditionnés",
                "Portables et fixes testés, garantis jusqu'à 24 mois.",
            ),
            (
                "Reprise de parc informatique",
                "Enlèvement, effacement certifié, rachat des matériels.",
            ),
            (
                "Réparation d'ordinateurs",
                "Diagnostic, remplacement de pièces, réinstallation.",
            ),
            (
                "Kits numériques pour associations",
                "Postes équipés de logiciels libres.",
            ),
            (
                "Tablettes reconditionnées",
                "Tablettes et smartphones remis à neuf.",
            ),
        ],
        works: &[
            "fourniture de {n} ordinateurs reconditionnés pour les écoles",
            "reprise d'un parc informatique de {n} postes",
            "équipement d'un espace France Services",
        ],
        buyer_titles: &[
            "Acquisition de postes de travail de seconde main",
            "Fourniture d'ordinateurs portables d'occasion garantis",
            "Achat de matériel informatique issu du réemploi",
            "Équipement numérique des écoles (matériel de réemploi)",
            "Fourniture de PC portables pour les collégiens",
        ],
        buyer_objects: &[
            "la fourniture de postes informatiques de seconde main, garantis et prêts à l'emploi",
            "l'acquisition de matériel numérique issu du réemploi pour les écoles",
            "la fourniture d'ordinateurs portables d'occasion pour les agents en télétravail",
        ],
        buyer_details: &[
            "La quantité prévisionnelle est de {n} postes.",
            "Conformément à la loi AGEC, une part des achats de matériel informatique doit provenir du réemploi.",
            "Les postes seront livrés avec un système d'exploitation installé et une garantie d'au moins un an.",
            "Une reprise des matériels remplacés est attendue.",
        ],
        buyer_keywords: &[
            "postes de travail",
            "seconde main",
            "réemploi",
            "AGEC",
            "garantie",
            "portables",
            "unités centrales",
        ],
        colloquial: &[
            "des ordinateurs pas chers mais qui marchent pour la salle informatique de l'école",
        ],
        ambiguous_titles: &[],
        related: &["weee_recycling"],
        supply: 2.0,
        demand: 2.0,
        amount_eur: (5_000.0, 200_000.0),
    },
    Trade {
        key: "joinery",
        label: "Menuiserie bois",
        own_cpv: &[
            "45421000", "45422000", "45422100", "45421100", "45421153", "45421150",
        ],
        extra_cpv: &["45420000", "39151000"],
        buyer_cpv: &["45420000", "45421000", "45400000", "45000000", "45421100"],
        naf: &["43.32A", "16.23Z"],
        modes: GOODS_SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Ei, 20),
            (Aci, 20),
            (Esat, 15),
            (Ea, 10),
            (Scop, 20),
            (Geiq, 5),
            (Scic, 5),
            (EsusCompany, 5),
        ],
        labels: &["RGE", "Qualibat", "PEFC", "FSC"],
        activity_labels: &[
            "Menuiserie bois sur mesure",
            "Pose de menuiseries intérieures et extérieures",
            "Agencement et mobilier bois",
        ],
        names: &[
            "L'Atelier Bois {de_city}",
            "Copeaux Solidaires",
            "Bois & Compagnons",
            "Menuiserie Coopérative {de_city}",
            "Le Rabot Solidaire",
            "Chêne et Frêne",
            "Les Menuisiers Solidaires",
        ],
        pitch: &[
            "Fabrication et pose de menuiseries bois sur mesure : portes, fenêtres, placards, escaliers.",
            "Agencement intérieur et mobilier bois pour les écoles, bibliothèques et espaces d'accueil.",
            "Bois locaux certifiés PEFC, finitions à base d'huiles naturelles.",
            "Réparation et remplacement de menuiseries, pose de parquets et de bardages.",
        ],
        offers: &[
            (
                "Fabrication de mobilier sur mesure",
                "Bureaux, étagères, comptoirs en bois massif.",
            ),
            (
                "Pose de portes et fenêtres",
                "Menuiseries bois et mixtes, dépose de l'existant.",
            ),
            ("Agencement intérieur", "Placards, rangements, habillages."),
            (
                "Bardage et terrasses bois",
                "Essences locales, sans traitement chimique.",
            ),
            (
                "Réparation de menuiseries",
                "Remplacement de pièces, ajustage, quincaillerie.",
            ),
        ],
        works: &[
            "agencement d'une bibliothèque",
            "remplacement de {n} fenêtres à l'école",
            "fabrication de bacs potagers pour les écoles",
        ],
        buyer_titles: &[
            "Remplacement des huisseries",
            "Travaux de boiseries – lot menuiseries intérieures",
            "Fourniture et pose de portes intérieures",
            "Fabrication de rayonnages en bois",
            "Création de placards et d'agencements",
            "Remplacement des fenêtres de l'école",
        ],
        buyer_objects: &[
            "le remplacement des huisseries et des portes intérieures",
            "la fabrication et la pose d'agencements en bois (rayonnages, comptoirs, placards)",
            "les travaux du lot « menuiseries intérieures bois »",
        ],
        buyer_details: &[
            "Les ouvrages sont décrits au CCTP et au DPGF joints.",
            "Les bois devront être issus de forêts gérées durablement.",
            "Les travaux se dérouleront pendant les vacances scolaires.",
            "{n} blocs-portes sont concernés.",
        ],
        buyer_keywords: &[
            "huisseries",
            "blocs-portes",
            "agencement",
            "rayonnages",
            "DPGF",
            "placards",
            "bois massif",
        ],
        colloquial: &[
            "quelqu'un pour refaire les étagères de la bibliothèque",
            "quelqu'un pour changer les portes des vestiaires",
        ],
        ambiguous_titles: &[],
        related: &["furniture_restoration", "building_maintenance"],
        supply: 2.5,
        demand: 2.0,
        amount_eur: (5_000.0, 250_000.0),
    },
    Trade {
        key: "painting",
        label: "Peinture en bâtiment",
        own_cpv: &["45442100", "45442110", "45442180", "45440000"],
        extra_cpv: &["45451000", "45410000", "45442190"],
        buyer_cpv: &["45440000", "45442100", "45400000", "45450000", "45000000"],
        naf: &["43.34Z"],
        modes: SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Ei, 25),
            (Aci, 25),
            (Geiq, 8),
            (Ea, 8),
            (Esat, 4),
            (Scop, 15),
            (Etti, 5),
            (EsusCompany, 5),
            (Ai, 5),
        ],
        labels: &["RGE", "Qualibat", "Ecolabel européen"],
        activity_labels: &[
            "Peinture intérieure et extérieure",
            "Revêtements muraux et sols souples",
            "Ravalement et peinture de façades",
        ],
        names: &[
            "Couleurs Solidaires",
            "Pinceaux {de_city}",
            "Arc-en-Ciel Insertion",
            "La Palette Solidaire",
            "Peinture & Avenir",
            "Les Peintres Solidaires",
            "Teintes Coop",
        ],
        pitch: &[
            "Travaux de peinture intérieure et extérieure, pose de revêtements muraux et de sols souples.",
            "Nous utilisons des peintures écolabellisées à faible émission de COV.",
            "Préparation des supports, enduits, rebouchage et ponçage avant mise en peinture.",
            "Rafraîchissement de logements, de classes et de bureaux, en site occupé.",
        ],
        offers: &[
            (
                "Peinture intérieure",
                "Murs, plafonds, boiseries, peintures écolabellisées.",
            ),
            (
                "Ravalement de façades",
                "Nettoyage, traitement et mise en peinture des façades.",
            ),
            ("Pose de revêtements de sol", "Sols souples, lino, dalles."),
            (
                "Rafraîchissement de logements",
                "Remise en peinture entre deux locataires.",
            ),
            (
                "Traitement des graffitis",
                "Effacement et pose de protections anti-graffitis.",
            ),
        ],
        works: &[
            "remise en peinture de {n} salles de classe",
            "rafraîchissement des logements d'urgence",
            "peinture des circulations d'une résidence autonomie",
        ],
        buyer_titles: &[
            "Réfection des revêtements muraux",
            "Remise en état des murs et plafonds",
            "Travaux de rafraîchissement des classes",
            "Lot peinture – réhabilitation de la salle polyvalente",
            "Réfection des peintures des vestiaires",
        ],
        buyer_objects: &[
            "la réfection des murs et plafonds des classes et circulations",
            "le lot « peintures – revêtements muraux » de la réhabilitation",
            "la remise en état des revêtements des logements vacants",
        ],
        buyer_details: &[
            "Les surfaces à traiter représentent environ {n} m².",
            "Les produits devront être classés A+ pour les émissions dans l'air intérieur.",
            "Les travaux ont lieu en site occupé : le titulaire prévoit la protection des mobiliers.",
            "Une visite préalable à la remise des offres est obligatoire.",
        ],
        buyer_keywords: &[
            "murs et plafonds",
            "revêtements",
            "enduits",
            "A+",
            "réfection",
            "lessivage",
            "m²",
        ],
        colloquial: &[
            "quelqu'un pour repeindre les murs de la salle des associations",
            "quelqu'un pour rafraîchir les peintures de la cantine",
        ],
        ambiguous_titles: &[],
        related: &["building_maintenance"],
        supply: 3.0,
        demand: 2.5,
        amount_eur: (3_000.0, 200_000.0),
    },
    Trade {
        key: "moving",
        label: "Déménagement et manutention",
        own_cpv: &["98392000", "63110000", "60183000"],
        extra_cpv: &["63120000", "60100000"],
        buyer_cpv: &["98392000", "60100000", "63100000", "60000000", "98300000"],
        naf: &["49.42Z", "52.24B"],
        modes: SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Ei, 35),
            (Ai, 10),
            (Etti, 10),
            (Aci, 15),
            (Ea, 10),
            (Scop, 10),
            (EsusCompany, 5),
            (Geiq, 5),
        ],
        labels: &["NF Déménagement", "Charte Objectif CO2", "Label Lucie"],
        activity_labels: &[
            "Déménagement de bureaux",
            "Manutention et transfert de mobilier",
            "Garde-meubles et stockage",
        ],
        names: &[
            "Déménag'Solidaire",
            "Cartons & Compagnie",
            "Les Déménageurs Solidaires",
            "Transfert {city}",
            "Bras Solidaires",
            "Cap Transfert",
        ],
        pitch: &[
            "Déménagement de bureaux, d'écoles et d'administrations, transferts de services et manutention de mobilier.",
            "Emballage, démontage et remontage de mobilier, mise en cartons des archives.",
            "Stockage en garde-meubles et gestion de stocks de mobilier.",
            "Manutention lourde : coffres-forts, rayonnages, matériel de reprographie.",
        ],
        offers: &[
            (
                "Déménagement administratif",
                "Transfert de services, étiquetage, plan de déménagement.",
            ),
            (
                "Transfert de mobilier",
                "Démontage, transport et remontage.",
            ),
            (
                "Mise en cartons",
                "Emballage des archives et des effets personnels.",
            ),
            (
                "Garde-meubles",
                "Stockage sécurisé de courte et longue durée.",
            ),
            (
                "Mise à disposition de manutentionnaires",
                "Équipes pour vos manutentions ponctuelles.",
            ),
        ],
        works: &[
            "transfert des services techniques vers un nouveau centre",
            "déménagement de {n} postes de travail",
            "manutention des bureaux de vote lors des élections",
        ],
        buyer_titles: &[
            "Transfert des services dans les nouveaux locaux",
            "Manutentions diverses et transferts de mobilier",
            "Déplacement du mobilier administratif",
            "Mise en place des bureaux de vote",
            "Transport et installation du mobilier",
        ],
        buyer_objects: &[
            "le transfert des services municipaux et de leur mobilier vers le nouveau bâtiment",
            "les manutentions ponctuelles (mobilier, matériel de vote, archives)",
            "le déplacement et la réinstallation des postes de travail des agents",
        ],
        buyer_details: &[
            "Le transfert concerne environ {n} agents et leurs postes de travail.",
            "Le titulaire fournit cartons, sangles, diables et monte-meubles.",
            "Les opérations se dérouleront un week-end pour ne pas perturber l'accueil du public.",
            "Un inventaire contradictoire sera établi avant et après le transfert.",
        ],
        buyer_keywords: &[
            "transfert",
            "mobilier",
            "cartons",
            "manutentions",
            "monte-meubles",
            "bureaux de vote",
            "postes de travail",
        ],
        colloquial: &[
            "quelqu'un pour déplacer les tables et chaises pour la fête du village",
            "quelqu'un pour aider à déménager l'école dans les nouveaux locaux",
        ],
        ambiguous_titles: &[],
        related: &[],
        supply: 2.5,
        demand: 2.0,
        amount_eur: (2_000.0, 150_000.0),
    },
    Trade {
        key: "cargo_bike_delivery",
        label: "Livraison à vélo-cargo et logistique urbaine",
        own_cpv: &["64121200", "64121100", "60161000", "64122000"],
        extra_cpv: &["60160000", "64120000"],
        buyer_cpv: &["64120000", "64100000", "60100000", "60160000", "64121000"],
        naf: &["53.20Z", "49.41B"],
        modes: SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Scop, 25),
            (Scic, 20),
            (Ei, 20),
            (EsusCompany, 20),
            (Aci, 10),
            (Association, 5),
        ],
        labels: &["Charte Objectif CO2", "Label Lucie", "B Corp"],
        activity_labels: &[
            "Livraison en vélo-cargo",
            "Coursiers à vélo",
            "Logistique urbaine du dernier kilomètre",
        ],
        names: &[
            "Les Coursiers Solidaires",
            "Vélo Cargo {city}",
            "Pédale & Colis",
            "Roue Libre Logistique",
            "Triporteur Coop",
            "Cyclo'Livraison",
        ],
        pitch: &[
            "Livraison de colis, de plis urgents et de marchandises en vélo-cargo électrique, en centre-ville et en première couronne.",
            "Logistique du dernier kilomètre décarbonée : tournées régulières, navettes inter-sites, collecte du courrier.",
            "Nos coursiers salariés sont équipés de vélos-cargos d'une capacité de 150 à 300 kg.",
            "Notre microhub en centre-ville permet de regrouper les livraisons.",
        ],
        offers: &[
            (
                "Navettes courrier inter-sites",
                "Tournées quotidiennes entre vos bâtiments.",
            ),
            (
                "Livraison de colis en centre-ville",
                "Colis jusqu'à 300 kg, créneaux garantis.",
            ),
            ("Coursier urgent", "Enlèvement en moins d'une heure."),
            (
                "Tournées de collecte",
                "Collecte régulière de plis et de petits colis.",
            ),
        ],
        works: &[
            "navette courrier quotidienne entre {n} sites",
            "livraison des repas aux écoles en triporteur",
            "distribution des magazines municipaux",
        ],
        buyer_titles: &[
            "Navette courrier entre les sites",
            "Acheminement du courrier interne",
            "Transport de plis et petits colis en centre-ville",
            "Ramassage et distribution du courrier interservices",
            "Distribution décarbonée des colis",
        ],
        buyer_objects: &[
            "l'acheminement quotidien du courrier interne entre les bâtiments administratifs",
            "le ramassage et la distribution des plis et petits colis en hypercentre",
            "la distribution des documents aux élus et aux écoles",
        ],
        buyer_details: &[
            "La tournée dessert {n} points de collecte et de dépôt chaque jour ouvré.",
            "Les véhicules utilisés ne devront émettre aucun gaz à effet de serre.",
            "Les plis sont remis contre émargement.",
            "Le centre-ville est en zone piétonne et à faibles émissions (ZFE).",
        ],
        buyer_keywords: &[
            "courrier interne",
            "navette",
            "plis",
            "centre-ville",
            "ZFE",
            "tournée",
            "zéro émission",
        ],
        colloquial: &[
            "quelqu'un pour porter le courrier entre la mairie et les écoles chaque matin",
        ],
        ambiguous_titles: &[
            "Collecte et distribution du courrier",
            "Transport de petits colis",
        ],
        related: &[],
        supply: 1.5,
        demand: 1.5,
        amount_eur: (3_000.0, 80_000.0),
    },
    Trade {
        key: "market_gardening",
        label: "Maraîchage biologique et paniers",
        own_cpv: &["03221000", "03221300", "03221100", "03222000", "15300000"],
        extra_cpv: &["03220000", "03200000", "03221200"],
        buyer_cpv: &["03220000", "03200000", "15300000", "03000000", "15000000"],
        naf: &["01.13Z", "47.21Z", "46.31Z"],
        modes: GOODS,
        reach: Reach::Local,
        profiles: &[
            (Aci, 50),
            (Esat, 10),
            (Association, 10),
            (Scic, 12),
            (Scop, 8),
            (Ea, 5),
            (EsusCompany, 5),
        ],
        labels: &[
            "Agriculture biologique (AB)",
            "Ecocert",
            "Nature & Progrès",
            "HVE",
        ],
        activity_labels: &[
            "Maraîchage biologique",
            "Paniers de légumes",
            "Fourniture de légumes pour la restauration collective",
        ],
        names: &[
            "Les Jardins Solidaires {de_city}",
            "Potager d'Insertion",
            "Terre Nourricière",
            "Les Paniers {de_city}",
            "Graines de Partage",
            "La Ferme Solidaire",
            "Légumes & Liens",
        ],
        pitch: &[
            "Maraîchage en agriculture biologique certifiée : légumes de saison cultivés en plein champ et sous serres.",
            "Paniers hebdomadaires livrés en points relais et aux comités d'entreprise.",
            "Approvisionnement des cantines et cuisines centrales en légumes bruts ou légumerie (lavés, épluchés, découpés).",
            "Nos salariés en insertion apprennent les métiers du maraîchage et de la vente directe.",
        ],
        offers: &[
            (
                "Paniers de légumes bio",
                "Paniers hebdomadaires de saison, abonnement ou à la carte.",
            ),
            (
                "Légumes pour la restauration collective",
                "Légumes bruts de saison livrés aux cuisines.",
            ),
            (
                "Légumerie",
                "Légumes lavés, épluchés et découpés prêts à cuisiner.",
            ),
            (
                "Plants potagers",
                "Plants bio pour les jardins familiaux et scolaires.",
            ),
            (
                "Animations pédagogiques au jardin",
                "Visites et ateliers pour les écoles.",
            ),
        ],
        works: &[
            "fourniture de légumes bio à la cuisine centrale",
            "paniers de légumes pour les agents",
            "approvisionnement de cantines en pommes de terre et carottes",
        ],
        buyer_titles: &[
            "Fourniture de fruits et légumes frais",
            "Approvisionnement en denrées végétales bio",
            "Lot légumes frais – approvisionnement des restaurants scolaires",
            "Fourniture de produits frais de saison",
            "Denrées alimentaires : fruits et légumes",
        ],
        buyer_objects: &[
            "la fourniture de fruits et légumes frais, de saison et issus de l'agriculture biologique",
            "l'approvisionnement des restaurants scolaires en légumes bruts et de 4e gamme",
            "le lot « fruits et légumes frais » du marché de denrées alimentaires",
        ],
        buyer_details: &[
            "Les quantités prévisionnelles sont de {n} kg par semaine.",
            "Les produits devront être de saison et livrés sous 24 heures après récolte.",
            "Au moins 50 % des produits devront être sous signe de qualité (EGalim).",
            "Livraison à la cuisine centrale du lundi au jeudi avant 7 h.",
        ],
        buyer_keywords: &[
            "fruits et légumes",
            "denrées",
            "4e gamme",
            "circuit court",
            "bio",
            "kg/semaine",
            "produits frais",
        ],
        colloquial: &[
            "des légumes bio et locaux pour la cantine",
            "des paniers de légumes pour les agents",
        ],
        ambiguous_titles: &[],
        related: &[],
        supply: 5.0,
        demand: 3.0,
        amount_eur: (5_000.0, 200_000.0),
    },
    Trade {
        key: "sewing_workwear",
        label: "Couture, confection et vêtements de travail",
        own_cpv: &[
            "18110000", "18113000", "18130000", "18100000", "98393000", "18222000",
        ],
        extra_cpv: &["39500000", "18140000"],
        buyer_cpv: &["18100000", "18000000", "18110000", "18200000", "39500000"],
        naf: &["14.12Z", "13.92Z", "14.13Z"],
        modes: GOODS,
        reach: Reach::National,
        profiles: &[
            (Esat, 25),
            (Ea, 25),
            (Aci, 20),
            (Ei, 10),
            (Scop, 10),
            (Association, 5),
            (EsusCompany, 5),
        ],
        labels: &["Origine France Garantie", "OEKO-TEX", "GOTS"],
        activity_labels: &[
            "Confection de vêtements de travail",
            "Couture et retouches",
            "Confection textile à façon",
        ],
        names: &[
            "Fil Solidaire",
            "L'Atelier Couture {de_city}",
            "Aiguilles & Avenir",
            "Les Petites Mains Solidaires",
            "Tissu Social",
            "Point de Croix Coop",
            "Bobine Solidaire",
        ],
        pitch: &[
            "Confection de vêtements de travail et d'uniformes : blouses, tabliers, pantalons, vestes, tenues de cuisine.",
            "Atelier de couture : retouches, ourlets, marquage et broderie de logos.",
            "Fabrication française en petites et moyennes séries, à partir de tissus certifiés.",
            "Confection à façon de sacs, trousses et articles textiles promotionnels.",
        ],
        offers: &[
            (
                "Tenues professionnelles",
                "Blouses, tabliers, vestes de cuisine, pantalons de travail.",
            ),
            (
                "Broderie et marquage",
                "Logos brodés ou imprimés sur textiles.",
            ),
            ("Retouches et réparations", "Ourlets, fermetures, reprises."),
            (
                "Sacs et accessoires textiles",
                "Tote bags, trousses, pochettes en tissus recyclés.",
            ),
            ("Confection à façon", "Petites séries sur vos patronages."),
        ],
        works: &[
            "confection de {n} tenues pour les agents d'entretien",
            "fabrication de sacs en tissu pour une fête locale",
            "marquage des vêtements des services techniques",
        ],
        buyer_titles: &[
            "Dotation vestimentaire des agents",
            "Fourniture de tenues professionnelles",
            "Habillement des agents techniques",
            "Acquisition de blouses et tuniques",
            "Uniformes du personnel de restauration",
        ],
        buyer_objects: &[
            "la fourniture et le marquage des tenues professionnelles des agents",
            "la dotation vestimentaire des agents des services techniques (pantalons, vestes, polos)",
            "l'acquisition de blouses, tuniques et tabliers pour le personnel des crèches",
        ],
        buyer_details: &[
            "La dotation concerne environ {n} agents, avec une prise de tailles individuelle.",
            "Les articles porteront le logo de la collectivité brodé sur la poitrine.",
            "Les textiles devront être certifiés OEKO-TEX.",
            "Le titulaire assure les réassorts en cours d'année.",
        ],
        buyer_keywords: &[
            "tenues",
            "dotation",
            "blouses",
            "logo brodé",
            "prise de tailles",
            "habillement",
            "EPI textiles",
        ],
        colloquial: &[
            "des tabliers et blouses pour le personnel de la crèche",
            "quelqu'un pour broder le logo de la commune sur des polos",
        ],
        ambiguous_titles: &["Vêtements de travail", "Textiles professionnels"],
        related: &[],
        supply: 3.0,
        demand: 2.0,
        amount_eur: (3_000.0, 150_000.0),
    },
    Trade {
        key: "events",
        label: "Événementiel et logistique d'événements",
        own_cpv: &[
            "79952000", "79951000", "79953000", "79956000", "79950000", "79952100",
        ],
        extra_cpv: &["39154100"],
        buyer_cpv: &["79950000", "79952000", "79900000", "79000000", "79952100"],
        naf: &["82.30Z", "90.02Z"],
        modes: SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Esat, 15),
            (Ea, 15),
            (Scop, 20),
            (Association, 20),
            (Scic, 10),
            (EsusCompany, 10),
            (Ei, 10),
        ],
        labels: &["ISO 20121", "Label Lucie"],
        activity_labels: &[
            "Organisation d'événements",
            "Logistique événementielle",
            "Montage de stands et scénographie",
        ],
        names: &[
            "Fête Solidaire",
            "Les Régisseurs Solidaires",
            "Scène & Partage",
            "Événements Responsables {de_city}",
            "La Logistique Festive",
            "Cap Événement",
        ],
        pitch: &[
            "Organisation et logistique d'événements : salons, forums, festivals, séminaires et fêtes de quartier.",
            "Montage et démontage de chapiteaux, stands, barrières et signalétique.",
            "Gestion des flux, accueil et billetterie, tri des déchets sur site.",
            "Nous concevons des événements éco-responsables, selon la norme ISO 20121.",
        ],
        offers: &[
            (
                "Montage de stands",
                "Stands, chapiteaux, signalétique, montage et démontage.",
            ),
            ("Régie technique", "Son, lumière, scène, régie générale."),
            (
                "Gestion des déchets d'événement",
                "Points de tri, gobelets réutilisables, bilan.",
            ),
            (
                "Organisation de séminaires",
                "Lieux, logistique, accueil des participants.",
            ),
        ],
        works: &[
            "logistique d'un forum des associations",
            "montage des stands du salon de l'emploi ({n} exposants)",
            "organisation d'une fête de la nature",
        ],
        buyer_titles: &[
            "Organisation du forum de l'emploi",
            "Logistique de la fête de la ville",
            "Installation et démontage des manifestations",
            "Mise en œuvre du salon des associations",
            "Gestion technique des festivités estivales",
        ],
        buyer_objects: &[
            "l'organisation technique et logistique des manifestations de la saison culturelle",
            "la mise en place du matériel (tentes, barrières, podiums) lors des festivités",
            "la conception et la mise en œuvre du forum annuel de l'emploi",
        ],
        buyer_details: &[
            "Environ {n} manifestations sont prévues dans l'année.",
            "Le titulaire assure le montage la veille et le démontage le lendemain.",
            "Le matériel municipal (podium, barrières) est mis à disposition.",
            "Une démarche de réduction des déchets est attendue.",
        ],
        buyer_keywords: &[
            "manifestations",
            "podium",
            "barrières",
            "tentes",
            "festivités",
            "forum",
            "montage-démontage",
        ],
        colloquial: &["quelqu'un pour monter les tentes et la scène pour la fête du 14 juillet"],
        ambiguous_titles: &[],
        related: &[],
        supply: 2.0,
        demand: 2.0,
        amount_eur: (3_000.0, 150_000.0),
    },
    Trade {
        key: "reception",
        label: "Accueil et standard",
        own_cpv: &["79992000", "79510000", "79511000", "64214200"],
        extra_cpv: &["79512000"],
        buyer_cpv: &["79992000", "79500000", "79510000", "79990000"],
        naf: &["82.99Z", "82.20Z", "82.11Z"],
        modes: SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Ea, 40),
            (Esat, 10),
            (Ai, 12),
            (Etti, 12),
            (Ei, 10),
            (Geiq, 6),
            (EsusCompany, 10),
        ],
        labels: &["Label Diversité", "ISO 9001", "Label Lucie"],
        activity_labels: &[
            "Accueil physique et téléphonique",
            "Standard téléphonique externalisé",
            "Hôtes et hôtesses d'accueil",
        ],
        names: &[
            "Allô Solidaire",
            "Accueil Plus",
            "Bienvenue Services",
            "Le Standard Solidaire",
            "Voix & Sourire",
            "Premier Contact",
        ],
        pitch: &[
            "Accueil physique et téléphonique de vos visiteurs et usagers, en continu ou en renfort ponctuel.",
            "Standard téléphonique externalisé : prise de messages, filtrage, orientation des appels.",
            "Nos chargés d'accueil, dont une majorité de personnes en situation de handicap, sont formés à la relation usagers.",
            "Mise à disposition d'hôtes et d'hôtesses pour vos événements.",
        ],
        offers: &[
            (
                "Accueil en vos locaux",
                "Chargés d'accueil formés, remplacements assurés.",
            ),
            (
                "Standard externalisé",
                "Prise d'appels, messages, agenda partagé.",
            ),
            (
                "Permanences téléphoniques",
                "Numéro dédié, plages horaires étendues.",
            ),
            (
                "Hôtesses d'événements",
                "Accueil et orientation lors de vos manifestations.",
            ),
        ],
        works: &[
            "tenue de l'accueil d'un siège ({n} visiteurs par jour)",
            "standard téléphonique d'une collectivité",
            "accueil du public lors des journées du patrimoine",
        ],
        buyer_titles: &[
            "Réception des usagers et gestion des appels",
            "Prise en charge de la réception du siège",
            "Gestion des appels entrants",
            "Renfort de l'accueil de la mairie",
            "Permanence téléphonique de l'hôtel de ville",
        ],
        buyer_objects: &[
            "la réception des visiteurs et la gestion des appels entrants au siège",
            "la tenue de la loge et de la réception de l'hôtel de communauté",
            "le renfort de l'accueil du public pendant les périodes de forte affluence",
        ],
        buyer_details: &[
            "Le poste est ouvert du lundi au vendredi de 8 h 30 à 17 h 30.",
            "Environ {n} appels sont reçus chaque jour.",
            "Le personnel affecté maîtrisera les outils bureautiques et la messagerie.",
            "Une continuité de service est exigée en cas d'absence.",
        ],
        buyer_keywords: &[
            "réception",
            "appels entrants",
            "visiteurs",
            "usagers",
            "loge",
            "continuité de service",
        ],
        colloquial: &["quelqu'un pour répondre au téléphone de la mairie le matin"],
        ambiguous_titles: &[],
        related: &[],
        supply: 2.5,
        demand: 2.0,
        amount_eur: (10_000.0, 200_000.0),
    },
    Trade {
        key: "web_design",
        label: "Création de sites web et graphisme",
        own_cpv: &["72413000", "79822500", "72420000", "79933000"],
        extra_cpv: &["72212224", "79341000", "72415000"],
        buyer_cpv: &[
            "72413000", "72000000", "79822500", "72400000", "79340000", "72200000",
        ],
        naf: &["62.01Z", "74.10Z", "73.11Z"],
        modes: SERVICES,
        reach: Reach::National,
        profiles: &[
            (Scop, 35),
            (Ea, 20),
            (EsusCompany, 15),
            (Scic, 10),
            (Association, 10),
            (Esat, 5),
            (Ei, 5),
        ],
        labels: &[
            "Label Numérique Responsable",
            "Opquast",
            "Label Lucie",
            "B Corp",
        ],
        activity_labels: &[
            "Création de sites internet",
            "Graphisme et identité visuelle",
            "Accessibilité numérique (RGAA)",
        ],
        names: &[
            "Pixel Solidaire",
            "Code Coopératif",
            "Les Graphistes Associés",
            "Studio {city} Coop",
            "Écran Libre",
            "Web & Partage",
            "L'Agence Solidaire",
        ],
        pitch: &[
            "Conception et développement de sites internet accessibles (RGAA), éco-conçus et administrables.",
            "Graphisme : identité visuelle, logos, chartes graphiques, affiches et mises en page.",
            "Hébergement, maintenance et formation de vos équipes à la mise à jour des contenus.",
            "Notre coopérative travaille en logiciels libres.",
        ],
        offers: &[
            (
                "Site internet clé en main",
                "Conception, développement, mise en ligne, formation.",
            ),
            (
                "Identité visuelle",
                "Logo, charte graphique, déclinaisons print et web.",
            ),
            (
                "Audit d'accessibilité",
                "Audit RGAA, plan de mise en conformité.",
            ),
            (
                "Maintenance et hébergement",
                "Mises à jour de sécurité, sauvegardes, hébergement en France.",
            ),
            (
                "Mise en page de publications",
                "Magazines, rapports d'activité, affiches.",
            ),
        ],
        works: &[
            "refonte d'un site institutionnel",
            "charte graphique d'un office de tourisme",
            "audit RGAA de {n} démarches en ligne",
        ],
        buyer_titles: &[
            "Refonte du portail internet",
            "Modernisation de la présence en ligne",
            "Conception de la charte graphique",
            "Développement d'un portail citoyen",
            "Nouvelle identité visuelle de la collectivité",
            "Mise en conformité RGAA du portail",
        ],
        buyer_objects: &[
            "la refonte du portail internet de la collectivité et de son back-office",
            "la conception d'une nouvelle identité visuelle et de ses déclinaisons",
            "la mise en conformité du portail avec le référentiel général d'amélioration de l'accessibilité",
        ],
        buyer_details: &[
            "Le portail devra être conforme au RGAA 4.1 et respecter le RGESN.",
            "Le titulaire assure la reprise des contenus existants (environ {n} pages).",
            "Une formation des contributeurs est attendue.",
            "La solution devra reposer de préférence sur un CMS libre.",
        ],
        buyer_keywords: &[
            "portail",
            "CMS",
            "RGAA",
            "charte graphique",
            "back-office",
            "ergonomie",
            "éco-conception",
        ],
        colloquial: &[
            "quelqu'un pour refaire le site de la mairie qui date de 2010",
            "quelqu'un pour dessiner un logo pour la nouvelle médiathèque",
        ],
        ambiguous_titles: &[],
        related: &[],
        supply: 2.5,
        demand: 2.0,
        amount_eur: (5_000.0, 120_000.0),
    },
    Trade {
        key: "waterless_car_wash",
        label: "Lavage de véhicules sans eau",
        own_cpv: &["50112300", "90917000"],
        extra_cpv: &["50112000"],
        buyer_cpv: &["50112300", "50112000", "50100000", "50110000"],
        naf: &["45.20A", "81.29B", "45.20B"],
        modes: SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Esat, 25),
            (Ea, 25),
            (Ei, 20),
            (Aci, 10),
            (EsusCompany, 10),
            (Scop, 10),
        ],
        labels: &["Ecolabel européen", "ISO 14001", "Label Lucie"],
        activity_labels: &[
            "Lavage écologique de véhicules",
            "Nettoyage intérieur de véhicules",
            "Lavage sans eau sur parking",
        ],
        names: &[
            "Lav'Écolo",
            "Auto Propre Solidaire",
            "Éco Lavage {de_city}",
            "Carrosserie Claire",
            "Goutte d'Eau Services",
        ],
        pitch: &[
            "Lavage de véhicules sans eau, directement sur vos parkings, avec des produits biodégradables.",
            "Nettoyage intérieur : aspiration, shampouinage des sièges, désinfection des points de contact.",
            "Entretien des flottes de véhicules de service et des véhicules électriques en recharge.",
            "Une intervention consomme moins d'un litre d'eau.",
        ],
        offers: &[
            (
                "Lavage extérieur sans eau",
                "Sur votre parking, produits biodégradables.",
            ),
            (
                "Nettoyage intérieur",
                "Aspiration, plastiques, vitres, sièges.",
            ),
            (
                "Entretien de flotte",
                "Passages réguliers planifiés, suivi par véhicule.",
            ),
        ],
        works: &[
            "entretien d'une flotte de {n} véhicules",
            "lavage mensuel des véhicules du service de soins à domicile",
        ],
        buyer_titles: &[
            "Nettoyage de la flotte automobile",
            "Entretien esthétique des véhicules de service",
            "Lavage des véhicules du parc",
            "Nettoyage intérieur et extérieur des véhicules",
        ],
        buyer_objects: &[
            "le nettoyage intérieur et extérieur des véhicules du parc automobile",
            "l'entretien esthétique périodique des véhicules de service",
        ],
        buyer_details: &[
            "Le parc compte {n} véhicules légers et utilitaires.",
            "Les interventions se font sur le parking du centre technique.",
            "Les produits utilisés devront être biodégradables et sans rejet au réseau pluvial.",
        ],
        buyer_keywords: &[
            "flotte",
            "véhicules de service",
            "parc automobile",
            "utilitaires",
            "nettoyage intérieur",
        ],
        colloquial: &["quelqu'un pour laver les voitures de service une fois par mois"],
        ambiguous_titles: &["Entretien des véhicules", "Entretien du parc automobile"],
        related: &[],
        supply: 1.5,
        demand: 1.5,
        amount_eur: (2_000.0, 60_000.0),
    },
    Trade {
        key: "furniture_restoration",
        label: "Restauration de mobilier et tapisserie",
        own_cpv: &["50850000", "98394000", "39114100"],
        extra_cpv: &["39100000", "39113000"],
        buyer_cpv: &["50850000", "50800000", "39100000", "98394000", "50000000"],
        naf: &["95.24Z", "31.09B"],
        modes: SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Ea, 15),
            (Esat, 20),
            (Aci, 20),
            (Ei, 10),
            (Scop, 15),
            (Association, 10),
            (Scic, 10),
        ],
        labels: &["Entreprise du Patrimoine Vivant", "Artisan d'art", "PEFC"],
        activity_labels: &[
            "Restauration de meubles anciens",
            "Tapisserie d'ameublement",
            "Réfection de sièges",
        ],
        names: &[
            "L'Atelier du Meuble Solidaire",
            "Tapissiers {de_city}",
            "Seconde Vie du Meuble",
            "Bois d'Antan",
            "Le Fauteuil Bleu",
            "Patine & Partage",
        ],
        pitch: &[
            "Restauration de meubles anciens et contemporains : ébénisterie, décapage, vernissage au tampon.",
            "Tapisserie d'ameublement : réfection de fauteuils, chaises et canapés, garnissage traditionnel ou mousse.",
            "Rénovation du mobilier de collectivités plutôt que son remplacement : tables, chaises, banquettes.",
            "Relooking de mobilier de réemploi.",
        ],
        offers: &[
            (
                "Réfection de fauteuils et chaises",
                "Garnissage traditionnel ou mousse, tissus non feu.",
            ),
            (
                "Restauration de meubles anciens",
                "Ébénisterie, marqueterie, finitions au tampon.",
            ),
            (
                "Rénovation de mobilier de collectivité",
                "Tables, chaises, banquettes remises à neuf.",
            ),
            (
                "Relooking de mobilier",
                "Peinture, patine et nouveaux tissus.",
            ),
        ],
        works: &[
            "réfection de {n} fauteuils d'une salle du conseil",
            "rénovation du mobilier d'une bibliothèque patrimoniale",
            "restauration des bancs d'une église",
        ],
        buyer_titles: &[
            "Réfection des sièges de la salle du conseil",
            "Remise en état du mobilier ancien",
            "Rénovation des chaises et tables des écoles",
            "Regarnissage de fauteuils",
            "Reprise des assises du théâtre",
        ],
        buyer_objects: &[
            "la réfection des assises et garnitures des fauteuils de la salle du conseil",
            "la remise en état du mobilier ancien de la mairie",
            "la rénovation des chaises et tables des salles municipales plutôt que leur remplacement",
        ],
        buyer_details: &[
            "{n} pièces de mobilier sont concernées.",
            "Le mobilier est enlevé et restitué par le titulaire.",
            "Les tissus devront être classés M1 (non feu).",
        ],
        buyer_keywords: &[
            "assises",
            "garnitures",
            "mobilier ancien",
            "fauteuils",
            "chaises",
            "tissus M1",
            "ébénisterie",
        ],
        colloquial: &["quelqu'un pour retaper les vieux fauteuils de la salle du conseil"],
        ambiguous_titles: &[
            "Restauration du mobilier",
            "Restauration de sièges",
            "Marché de restauration – lot mobilier",
        ],
        related: &["joinery"],
        supply: 1.5,
        demand: 1.0,
        amount_eur: (2_000.0, 60_000.0),
    },
    Trade {
        key: "textile_reuse",
        label: "Collecte, tri et réemploi textile",
        own_cpv: &["19620000"],
        extra_cpv: &["90511000", "90514000"],
        buyer_cpv: &["90511000", "90500000", "19620000", "90514000"],
        naf: &["38.32Z", "47.79Z", "38.11Z"],
        modes: SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Aci, 45),
            (Ei, 15),
            (Association, 15),
            (Scic, 10),
            (Ea, 5),
            (Esat, 5),
            (EsusCompany, 5),
        ],
        labels: &[
            "Partenaire Refashion",
            "Label Lucie",
            "Réseau des Ressourceries",
        ],
        activity_labels: &[
            "Collecte et tri de textiles",
            "Ressourcerie et boutique solidaire",
            "Réemploi et upcycling textile",
        ],
        names: &[
            "Fripes & Liens",
            "Ressourcerie {de_city}",
            "La Boutique Solidaire",
            "Tri Textile Coop",
            "Seconde Main {city}",
            "La Malle aux Trésors",
            "Recycl'Mode",
        ],
        pitch: &[
            "Collecte de textiles, linge et chaussures en conteneurs et en points d'apport.",
            "Tri manuel des vêtements : réemploi en boutique solidaire, recyclage en chiffons d'essuyage ou en isolant.",
            "Ressourcerie : collecte, valorisation et vente d'objets et de vêtements de seconde main.",
            "Nous animons des ateliers de sensibilisation à la réduction des déchets.",
        ],
        offers: &[
            (
                "Conteneurs de collecte textile",
                "Installation et vidage régulier de conteneurs.",
            ),
            ("Tri et valorisation", "Tri manuel, réemploi et recyclage."),
            (
                "Boutique solidaire",
                "Vêtements et objets de seconde main à petits prix.",
            ),
            (
                "Chiffons d'essuyage",
                "Chiffons issus du recyclage textile, vendus au kilo.",
            ),
            (
                "Animations zéro déchet",
                "Ateliers et stands de sensibilisation.",
            ),
        ],
        works: &[
            "collecte de {n} tonnes de textiles sur le territoire",
            "gestion de {n} conteneurs textiles",
            "animation d'une ressourcerie en déchèterie",
        ],
        buyer_titles: &[
            "Gestion des bornes d'apport volontaire textiles",
            "Enlèvement et valorisation des vêtements usagés",
            "Filière textiles, linge et chaussures",
            "Valorisation des TLC",
            "Réemploi des objets déposés en déchèterie",
        ],
        buyer_objects: &[
            "la mise en place et la gestion des bornes d'apport volontaire pour les textiles, linge de maison et chaussures (TLC)",
            "l'enlèvement et la valorisation des vêtements usagés déposés en déchèterie",
            "l'exploitation d'un espace de réemploi sur la déchèterie intercommunale",
        ],
        buyer_details: &[
            "Le territoire compte {n} bornes à vider au moins toutes les deux semaines.",
            "Le titulaire transmet un rapport trimestriel des tonnages et des destinations.",
            "Priorité est donnée au réemploi local.",
        ],
        buyer_keywords: &[
            "TLC",
            "bornes d'apport volontaire",
            "tonnages",
            "réemploi",
            "vêtements usagés",
            "déchèterie",
        ],
        colloquial: &[
            "quelqu'un pour récupérer les vêtements que les habitants déposent à la déchetterie",
        ],
        ambiguous_titles: &[
            "Collecte des déchets – lot 2",
            "Collecte et valorisation de déchets",
        ],
        related: &[],
        supply: 4.0,
        demand: 2.0,
        amount_eur: (3_000.0, 120_000.0),
    },
    Trade {
        key: "training",
        label: "Formation professionnelle",
        own_cpv: &[
            "80500000", "80510000", "80511000", "80530000", "80570000", "80550000", "80533100",
        ],
        extra_cpv: &["80521000", "80522000"],
        buyer_cpv: &[
            "80500000", "80000000", "80530000", "79632000", "80511000", "80550000",
        ],
        naf: &["85.59A", "85.59B"],
        modes: SERVICES,
        reach: Reach::National,
        profiles: &[
            (Association, 35),
            (Scop, 20),
            (Geiq, 10),
            (EsusCompany, 15),
            (Scic, 10),
            (Ea, 5),
            (Ei, 5),
        ],
        labels: &["Qualiopi", "Datadock", "Label Lucie"],
        activity_labels: &[
            "Formation professionnelle continue",
            "Formation aux savoirs de base",
            "Formation sécurité et prévention",
        ],
        names: &[
            "Savoirs Solidaires",
            "Compétences & Territoires",
            "L'Atelier Formation {de_city}",
            "Apprendre Ensemble",
            "Tremplin Formation",
            "Passerelle Compétences",
        ],
        pitch: &[
            "Organisme de formation certifié Qualiopi : formations aux savoirs de base, au numérique, à la sécurité et aux métiers de la propreté et des espaces verts.",
            "Formations en présentiel dans vos locaux ou à distance, adaptées aux publics peu qualifiés.",
            "Accompagnement des parcours d'insertion et préparation aux certifications (CléA, CACES, SST).",
            "Formation des agents des collectivités à l'accueil des publics en situation de handicap.",
        ],
        offers: &[
            (
                "Formation SST",
                "Sauveteur secouriste du travail, formation initiale et recyclage.",
            ),
            (
                "Savoirs de base et CléA",
                "Français, calcul, numérique, préparation au certificat CléA.",
            ),
            (
                "Formation au numérique",
                "Bureautique, messagerie, démarches en ligne.",
            ),
            (
                "Formation gestes et postures",
                "Prévention des troubles musculo-squelettiques.",
            ),
            (
                "Sensibilisation au handicap",
                "Accueillir et accompagner les publics en situation de handicap.",
            ),
        ],
        works: &[
            "formation de {n} agents aux premiers secours",
            "parcours CléA pour les salariés du chantier d'insertion",
            "sensibilisation d'agents d'accueil au handicap",
        ],
        buyer_titles: &[
            "Plan de formation des agents",
            "Actions de montée en compétences des personnels",
            "Sessions premiers secours pour le personnel",
            "Formation des agents aux outils numériques",
            "Stages gestes et postures",
            "Parcours de professionnalisation des agents",
        ],
        buyer_objects: &[
            "la réalisation d'actions de formation au bénéfice des agents de la collectivité",
            "l'organisation de sessions de secourisme (SST) et de prévention des risques",
            "l'acquisition de compétences numériques de base pour les agents de terrain",
        ],
        buyer_details: &[
            "Environ {n} stagiaires sont concernés sur la durée du marché.",
            "Le prestataire devra être certifié Qualiopi.",
            "Les sessions se dérouleront dans les locaux de la collectivité, par groupes de 8 à 12.",
            "Une évaluation des acquis est attendue à l'issue de chaque session.",
        ],
        buyer_keywords: &[
            "stagiaires",
            "sessions",
            "SST",
            "Qualiopi",
            "montée en compétences",
            "acquis",
            "agents",
        ],
        colloquial: &[
            "quelqu'un pour former nos agents aux premiers secours",
            "une formation informatique pour les secrétaires de mairie",
        ],
        ambiguous_titles: &[],
        related: &[],
        supply: 4.0,
        demand: 3.0,
        amount_eur: (2_000.0, 120_000.0),
    },
    Trade {
        key: "packaging",
        label: "Conditionnement à façon",
        own_cpv: &["79921000", "79920000"],
        extra_cpv: &["63120000"],
        buyer_cpv: &["79920000", "79921000", "79990000", "79000000"],
        naf: &["82.92Z"],
        modes: SERVICES,
        reach: Reach::Regional,
        profiles: &[
            (Esat, 45),
            (Ea, 35),
            (Ei, 5),
            (Aci, 5),
            (EsusCompany, 5),
            (Association, 5),
        ],
        labels: &["ISO 9001", "Label Lucie", "ISO 14001"],
        activity_labels: &[
            "Conditionnement et ensachage",
            "Assemblage et kitting",
            "Logistique et préparation de commandes",
        ],
        names: &[
            "Pack Solidaire",
            "L'Atelier Conditionnement {de_city}",
            "Emball'Avenir",
            "Kit & Co Solidaire",
            "Les Ateliers du Colis",
        ],
        pitch: &[
            "Conditionnement à façon : ensachage, blistérisation, étiquetage, mise sous film et mise en coffrets.",
            "Assemblage de kits, de petits sous-ensembles et préparation de commandes.",
            "Stockage et logistique de vos produits finis.",
            "Nos ateliers disposent de lignes de filmage, de pesage et d'étiquetage.",
        ],
        offers: &[
            (
                "Ensachage et étiquetage",
                "Mise en sachets, pesage, étiquetage et codes-barres.",
            ),
            (
                "Assemblage de kits",
                "Kits de bienvenue, coffrets, trousses.",
            ),
            ("Préparation de commandes", "Picking, colisage, expédition."),
            (
                "Mise sous film et filmage",
                "Filmage rétractable, mise en lots.",
            ),
        ],
        works: &[
            "mise en kits de {n} trousses de bienvenue",
            "ensachage de graines pour la fête des jardins",
            "conditionnement d'objets promotionnels pour un office de tourisme",
        ],
        buyer_titles: &[
            "Préparation de kits d'accueil",
            "Assemblage des sacs de bienvenue",
            "Mise en sachets et étiquetage d'objets promotionnels",
            "Constitution de colis pour les aînés",
            "Préparation des colis de Noël",
        ],
        buyer_objects: &[
            "la préparation et l'assemblage de kits de bienvenue pour les nouveaux habitants",
            "la constitution des colis de fin d'année pour les seniors",
            "la mise en sachets et l'étiquetage d'objets promotionnels",
        ],
        buyer_details: &[
            "Environ {n} kits sont à préparer.",
            "Les composants sont livrés par la collectivité ; le titulaire assure l'assemblage et la livraison.",
            "Les emballages plastiques à usage unique sont à éviter.",
        ],
        buyer_keywords: &[
            "kits",
            "colis",
            "assemblage",
            "mise en sachets",
            "étiquetage",
            "objets promotionnels",
        ],
        colloquial: &[
            "quelqu'un pour préparer 400 colis de Noël pour les personnes âgées de la commune",
        ],
        ambiguous_titles: &[],
        related: &["mailing"],
        supply: 4.0,
        demand: 1.5,
        amount_eur: (2_000.0, 60_000.0),
    },
    Trade {
        key: "building_maintenance",
        label: "Maintenance des bâtiments et petits travaux",
        own_cpv: &["50700000", "45453000", "79993100", "98341140", "45450000"],
        extra_cpv: &["50710000", "45442100", "45421000"],
        buyer_cpv: &[
            "50700000", "45000000", "45450000", "79993000", "50000000", "45453000",
        ],
        naf: &["43.39Z", "81.10Z", "43.31Z"],
        modes: SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Ei, 25),
            (Aci, 25),
            (Ai, 10),
            (Geiq, 5),
            (Scop, 10),
            (EsusCompany, 10),
            (Ea, 10),
            (Etti, 5),
        ],
        labels: &["Qualibat", "RGE", "Label Lucie"],
        activity_labels: &[
            "Petits travaux et multiservices",
            "Maintenance technique des bâtiments",
            "Conciergerie et gardiennage d'immeubles",
        ],
        names: &[
            "Multi Services Solidaires",
            "Bricol'Insertion",
            "L'Homme de l'Art Solidaire",
            "Bâti Services {de_city}",
            "Coup de Main Bâtiment",
            "Tous Travaux Solidaires",
        ],
        pitch: &[
            "Petits travaux de second œuvre et de maintenance : plomberie, électricité courante, serrurerie, peinture, pose d'étagères.",
            "Interventions rapides sur bon de commande dans vos bâtiments et logements.",
            "Maintenance préventive et dépannages pour les bailleurs sociaux et les collectivités.",
            "Gardiennage et conciergerie de résidences.",
        ],
        offers: &[
            (
                "Dépannages multiservices",
                "Plomberie, électricité, serrurerie : intervention sous 48 heures.",
            ),
            (
                "Maintenance préventive",
                "Visites programmées, contrôles, petites réparations.",
            ),
            (
                "Petits travaux de second œuvre",
                "Cloisons, faïence, sols, peinture.",
            ),
            (
                "Gardiennage de résidences",
                "Présence, sortie des conteneurs, petites interventions.",
            ),
        ],
        works: &[
            "maintenance de {n} logements d'un foyer",
            "petits travaux dans les écoles pendant l'été",
            "dépannages dans les logements d'un bailleur social",
        ],
        buyer_titles: &[
            "Entretien courant du patrimoine bâti",
            "Interventions techniques dans les bâtiments communaux",
            "Travaux d'entretien et de réparation des bâtiments",
            "Accord-cadre de travaux divers tous corps d'état",
            "Réparations courantes dans les logements",
        ],
        buyer_objects: &[
            "les travaux d'entretien et de réparation courante du patrimoine bâti",
            "les interventions techniques tous corps d'état dans les bâtiments communaux",
            "les réparations locatives dans les logements du parc social",
        ],
        buyer_details: &[
            "Les interventions sont déclenchées par bons de commande, avec un délai de 48 heures pour les urgences.",
            "Le patrimoine comprend {n} bâtiments.",
            "Le titulaire dispose d'un véhicule équipé et d'un stock de petites fournitures.",
        ],
        buyer_keywords: &[
            "tous corps d'état",
            "bons de commande",
            "réparations",
            "dépannages",
            "patrimoine bâti",
            "second œuvre",
        ],
        colloquial: &[
            "quelqu'un pour faire les petites réparations dans les écoles",
            "quelqu'un pour réparer les portes et robinets de la salle des fêtes",
        ],
        ambiguous_titles: &[
            "Entretien des bâtiments communaux",
            "Entretien des bâtiments",
        ],
        related: &["joinery", "painting"],
        supply: 4.0,
        demand: 3.0,
        amount_eur: (5_000.0, 300_000.0),
    },
    Trade {
        key: "bicycle_repair",
        label: "Réparation et entretien de vélos",
        own_cpv: &["34430000", "34431000", "34432000"],
        extra_cpv: &[],
        buyer_cpv: &["34430000", "50100000", "50000000", "34400000"],
        naf: &["95.29Z", "47.64Z"],
        modes: GOODS_SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Aci, 30),
            (Association, 25),
            (Ei, 15),
            (Scic, 10),
            (Scop, 10),
            (Esat, 5),
            (EsusCompany, 5),
        ],
        labels: &["QualiRépar", "Label Lucie"],
        activity_labels: &[
            "Atelier de réparation de vélos",
            "Vente de vélos reconditionnés",
            "Entretien de flottes de vélos",
        ],
        names: &[
            "Roue Libre Solidaire",
            "L'Atelier Vélo {de_city}",
            "Cycl'Avenir",
            "Rayons Solidaires",
            "La Chambre à Air",
            "Vélo Réemploi",
        ],
        pitch: &[
            "Atelier de réparation et d'entretien de vélos, trottinettes et vélos à assistance électrique.",
            "Reconditionnement et vente de vélos d'occasion issus de dons et de fourrières.",
            "Entretien des flottes de vélos de service et de vélos en location longue durée.",
            "Ateliers d'auto-réparation et marquage antivol.",
        ],
        offers: &[
            (
                "Entretien de flotte de vélos",
                "Révisions périodiques sur site, suivi par vélo.",
            ),
            (
                "Vélos reconditionnés",
                "Vélos d'occasion révisés et garantis.",
            ),
            ("Marquage antivol", "Marquage réglementaire des cycles."),
            (
                "Atelier mobile",
                "Réparations sur place avec notre triporteur-atelier.",
            ),
        ],
        works: &[
            "entretien de {n} vélos de service",
            "remise en état des vélos de la fourrière",
            "ateliers d'auto-réparation dans les quartiers",
        ],
        buyer_titles: &[
            "Maintenance du parc de cycles",
            "Révision des vélos à assistance électrique",
            "Entretien de la flotte de deux-roues",
            "Remise en état des bicyclettes de la fourrière",
        ],
        buyer_objects: &[
            "la maintenance préventive et curative du parc de cycles de la collectivité",
            "la révision des vélos à assistance électrique mis à disposition des agents",
        ],
        buyer_details: &[
            "Le parc compte {n} cycles, dont une moitié à assistance électrique.",
            "Les révisions se font sur site, dans un délai de 5 jours.",
            "Les pièces détachées sont facturées sur bordereau de prix.",
        ],
        buyer_keywords: &[
            "cycles",
            "VAE",
            "deux-roues",
            "révision",
            "pièces détachées",
            "parc",
        ],
        colloquial: &["quelqu'un pour réparer les vélos prêtés aux agents"],
        ambiguous_titles: &[],
        related: &[],
        supply: 2.0,
        demand: 1.0,
        amount_eur: (2_000.0, 60_000.0),
    },
    Trade {
        key: "biowaste_collection",
        label: "Collecte et compostage des biodéchets",
        own_cpv: &["77120000", "90511200"],
        extra_cpv: &["90511000", "90513000"],
        buyer_cpv: &["90511000", "90500000", "77120000", "90513000"],
        naf: &["38.11Z", "38.21Z"],
        modes: SERVICES,
        reach: Reach::Local,
        profiles: &[
            (Scic, 20),
            (Aci, 25),
            (Ei, 20),
            (Scop, 15),
            (Association, 10),
            (EsusCompany, 10),
        ],
        labels: &["ISO 14001", "Label Lucie", "Réseau Compost Citoyen"],
        activity_labels: &[
            "Collecte des biodéchets",
            "Compostage de proximité",
            "Gestion des déchets alimentaires",
        ],
        names: &[
            "Compost Solidaire",
            "Les Composteurs {de_city}",
            "Épluch'Coop",
            "Terreau Social",
            "Le Bac Vert",
            "Restes & Ressources",
        ],
        pitch: &[
            "Collecte des biodéchets des restaurants, cantines et marchés, en vélo-cargo ou en véhicule électrique.",
            "Compostage de proximité et installation de composteurs partagés en pied d'immeuble.",
            "Accompagnement au tri à la source des déchets alimentaires, obligatoire depuis 2024.",
            "Le compost produit est redistribué aux jardins partagés.",
        ],
        offers: &[
            (
                "Collecte des déchets alimentaires",
                "Bacs fournis et lavés, collecte hebdomadaire.",
            ),
            (
                "Composteurs partagés",
                "Installation, formation des référents, suivi.",
            ),
            (
                "Diagnostic gaspillage alimentaire",
                "Pesées, plan d'action, sensibilisation.",
            ),
        ],
        works: &[
            "collecte des biodéchets de {n} cantines",
            "installation de composteurs dans des résidences",
            "compostage des déchets du marché de plein vent",
        ],
        buyer_titles: &[
            "Tri à la source et valorisation des déchets alimentaires",
            "Enlèvement des restes de repas des restaurants scolaires",
            "Gestion des déchets organiques de la cuisine centrale",
            "Valorisation des déchets de cuisine",
        ],
        buyer_objects: &[
            "l'enlèvement et la valorisation des déchets alimentaires des restaurants scolaires",
            "la gestion de proximité des déchets organiques des ménages",
        ],
        buyer_details: &[
            "Le gisement est estimé à {n} tonnes par an.",
            "Les bacs sont fournis et lavés par le titulaire.",
            "Le compost produit pourra être restitué aux services espaces verts.",
        ],
        buyer_keywords: &[
            "déchets alimentaires",
            "restes de repas",
            "valorisation organique",
            "tri à la source",
            "bacs",
            "gisement",
        ],
        colloquial: &["quelqu'un pour récupérer les restes de la cantine pour en faire du compost"],
        ambiguous_titles: &[
            "Collecte des déchets – lot 1",
            "Collecte et valorisation de déchets",
        ],
        related: &[],
        supply: 1.5,
        demand: 1.5,
        amount_eur: (3_000.0, 100_000.0),
    },
];

/// Index of a trade by key.
pub fn trade_index(key: &str) -> Option<usize> {
    TRADES.iter().position(|t| t.key == key)
}

/// The trade with this key. Panics on an unknown key (keys are compile-time constants).
pub fn trade(key: &str) -> &'static Trade {
    &TRADES[trade_index(key).unwrap_or_else(|| panic!("unknown trade {key}"))]
}

/// Pairs of trades buyers put in one notice as two lots.
pub static LOT_PAIRS: &[(&str, &str)] = &[
    ("cleaning", "window_cleaning"),
    ("green_spaces", "tree_care"),
    ("printing", "mailing"),
    ("event_catering", "events"),
    ("moving", "weee_recycling"),
    ("painting", "joinery"),
    ("catering", "market_gardening"),
    ("scanning_archiving", "moving"),
    ("laundry", "sewing_workwear"),
    ("cleaning", "waterless_car_wash"),
];

struct Lookup {
    cpv: HashMap<&'static str, usize>,
    activity_label: HashMap<&'static str, usize>,
    offer_title: HashMap<&'static str, usize>,
}

fn lookup() -> &'static Lookup {
    static L: OnceLock<Lookup> = OnceLock::new();
    L.get_or_init(|| {
        let mut l = Lookup {
            cpv: HashMap::new(),
            activity_label: HashMap::new(),
            offer_title: HashMap::new(),
        };
        for (i, t) in TRADES.iter().enumerate() {
            for c in t.own_cpv {
                l.cpv.insert(c, i);
            }
            for a in t.activity_labels {
                l.activity_label.insert(a, i);
            }
            for (o, _) in t.offers {
                l.offer_title.insert(o, i);
            }
        }
        l
    })
}

/// The trade of a generated activity: its first CPV code's, else its label's.
pub fn classify_activity(a: &Activity) -> Option<usize> {
    let l = lookup();
    if let Some(first) = a.cpv.first()
        && let Some(&t) = l.cpv.get(first.get(..8).unwrap_or(first))
    {
        return Some(t);
    }
    a.label
        .as_deref()
        .and_then(|x| l.activity_label.get(x).copied())
}

/// One trade of a supplier and the indices of its activities of that trade (empty when the
/// trade is known from the offers only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TradeLink {
    pub trade: usize,
    pub activities: Vec<usize>,
}

/// The trades of a generated supplier, recovered from its activities (first CPV code or
/// label) and offer titles, in order of first appearance (the main trade first).
pub fn classify_supplier(s: &Supplier) -> Vec<TradeLink> {
    let mut out: Vec<TradeLink> = Vec::new();
    for (i, a) in s.activities.iter().enumerate() {
        if let Some(t) = classify_activity(a) {
            match out.iter_mut().find(|l| l.trade == t) {
                Some(l) => l.activities.push(i),
                None => out.push(TradeLink {
                    trade: t,
                    activities: vec![i],
                }),
            }
        }
    }
    let l = lookup();
    for o in &s.offers {
        if let Some(&t) = l.offer_title.get(o.title.as_str())
            && !out.iter().any(|x| x.trade == t)
        {
            out.push(TradeLink {
                trade: t,
                activities: Vec::new(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::referential::{NafLevel, Referential};

    #[test]
    fn there_are_at_least_twenty_trades_with_unique_keys() {
        assert!(TRADES.len() >= 20);
        let mut keys: Vec<_> = TRADES.iter().map(|t| t.key).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), TRADES.len());
    }

    #[test]
    fn every_code_exists_in_the_referential() {
        let r = Referential::get();
        for t in TRADES {
            for c in t.own_cpv.iter().chain(t.extra_cpv).chain(t.buyer_cpv) {
                assert!(r.cpv.get(c).is_some(), "{}: unknown CPV {c}", t.key);
            }
            for n in t.naf {
                let code = r
                    .naf
                    .get(n)
                    .unwrap_or_else(|| panic!("{}: unknown NAF {n}", t.key));
                assert_eq!(code.level, NafLevel::SousClasse, "{}: {n}", t.key);
            }
            for rel in t.related {
                assert!(
                    trade_index(rel).is_some(),
                    "{}: unknown related {rel}",
                    t.key
                );
            }
        }
        for (a, b) in LOT_PAIRS {
            assert!(trade_index(a).is_some() && trade_index(b).is_some());
        }
    }

    #[test]
    fn signatures_are_unique_across_trades() {
        let mut own: Vec<&str> = TRADES
            .iter()
            .flat_map(|t| t.own_cpv.iter().copied())
            .collect();
        let n = own.len();
        own.sort_unstable();
        own.dedup();
        assert_eq!(own.len(), n, "an own CPV code is shared");
        let mut labels: Vec<&str> = TRADES
            .iter()
            .flat_map(|t| t.activity_labels.iter().copied())
            .collect();
        let n = labels.len();
        labels.sort_unstable();
        labels.dedup();
        assert_eq!(labels.len(), n, "an activity label is shared");
        let mut offers: Vec<&str> = TRADES
            .iter()
            .flat_map(|t| t.offers.iter().map(|o| o.0))
            .collect();
        let n = offers.len();
        offers.sort_unstable();
        offers.dedup();
        assert_eq!(offers.len(), n, "an offer title is shared");
    }

    #[test]
    fn every_trade_has_enough_words_on_both_sides() {
        for t in TRADES {
            assert!(
                t.names.len() >= 4 && t.pitch.len() >= 3 && t.offers.len() >= 3,
                "{}",
                t.key
            );
            assert!(
                t.buyer_titles.len() >= 4
                    && !t.buyer_objects.is_empty()
                    && t.buyer_details.len() >= 3,
                "{}",
                t.key
            );
            assert!(
                !t.activity_labels.is_empty() && !t.colloquial.is_empty() && !t.works.is_empty(),
                "{}",
                t.key
            );
            let total: u32 = t.profiles.iter().map(|(_, w)| w).sum();
            assert!(total > 0);
        }
    }
}
