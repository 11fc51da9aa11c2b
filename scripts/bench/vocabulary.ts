/**
 * Words, names and subjects for the generated mail, per language. Each language's text must be
 * representable in the charsets it is sent in (see LANGUAGES_BY_CHARSET in corpus.ts): German and
 * Swedish fit ISO-8859-1, the typographic quotes and the euro sign need windows-1252, Russian KOI8-R,
 * Japanese Shift_JIS.
 */

export type Language = 'english' | 'english-typographic' | 'german' | 'swedish' | 'french' | 'russian' | 'japanese';

export interface LanguageVocabulary {
  /** Japanese is written without spaces between words. */
  wordSeparator: string;
  sentenceEnd: readonly string[];
  words: readonly string[];
  firstNames: readonly string[];
  lastNames: readonly string[];
  /** `{n}` becomes a number, `{w}` a word. */
  subjects: readonly string[];
  greeting: readonly string[];
  closing: readonly string[];
  attachmentNames: readonly string[];
}

const englishWords = [
  'the', 'proposal', 'contract', 'meeting', 'customer', 'invoice', 'delivery', 'schedule', 'update', 'project', 'budget',
  'quarter', 'report', 'review', 'please', 'attached', 'regarding', 'follow', 'up', 'on', 'our', 'call', 'yesterday',
  'team', 'pricing', 'discount', 'renewal', 'support', 'ticket', 'issue', 'resolved', 'next', 'steps', 'agenda', 'we',
  'would', 'like', 'to', 'confirm', 'order', 'shipment', 'tracking', 'number', 'warehouse', 'estimate', 'timeline',
  'feedback', 'launch', 'campaign', 'newsletter', 'subscription', 'account', 'manager', 'signed', 'copy', 'legal',
  'terms', 'conditions', 'payment', 'due', 'date', 'reminder', 'thanks', 'for', 'your', 'quick', 'reply', 'and', 'of',
  'a', 'in', 'with', 'is', 'are', 'will', 'be', 'can', 'you', 'let', 'me', 'know', 'if', 'questions', 'best', 'time',
  'office', 'tomorrow', 'morning', 'afternoon', 'lunch', 'demo', 'trial', 'license', 'users', 'seats', 'upgrade',
  'migration', 'database', 'integration', 'workflow', 'pipeline', 'lead', 'opportunity', 'forecast', 'revenue',
  'margin', 'partner', 'reseller', 'region', 'north', 'south', 'sales', 'marketing', 'finance', 'approval', 'draft',
  'final', 'version', 'changes', 'highlighted', 'section', 'page', 'slides', 'presentation', 'workshop', 'training',
  'onboarding', 'kickoff', 'milestone', 'deadline', 'priority', 'urgent', 'minor', 'detail', 'notes', 'summary',
];

const englishNames = {
  firstNames: ['James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Susan', 'Olivia', 'Noah', 'Emma', 'Liam'],
  lastNames: ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Wilson', 'Taylor', 'Clark', "O'Neil", 'Walker', 'Young', 'King'],
};

export const VOCABULARIES: Record<Language, LanguageVocabulary> = {
  english: {
    wordSeparator: ' ',
    sentenceEnd: ['.', '.', '.', '?', '!'],
    words: englishWords,
    ...englishNames,
    subjects: [
      'Proposal for {w} project', 'Invoice {n} from Acme Ltd', 'Meeting notes: {w} review', 'Your order #{n} has shipped',
      'Quick question about the {w}', 'Contract renewal {n}', 'Weekly {w} update', 'Action required: {w} approval',
      'Agenda for Thursday', 'Re-scheduling our call', 'New lead: {w} opportunity', 'Q{n} forecast draft',
    ],
    greeting: ['Hi,', 'Hello,', 'Dear customer,', 'Hi team,', 'Good morning,'],
    closing: ['Best regards,', 'Thanks,', 'Kind regards,', 'Cheers,', 'Sincerely,'],
    attachmentNames: ['proposal', 'invoice', 'contract-signed', 'meeting-notes', 'price-list', 'photo', 'scan', 'report-q3'],
  },
  'english-typographic': {
    wordSeparator: ' ',
    sentenceEnd: ['.', '…', '!', '?'],
    words: [...englishWords, '“quoted”', '‘draft’', '—', '–', '€250', '€1,200', 'café', 'naïve', 'résumé', '•', 'Acme™', '½', '„Angebot“'],
    ...englishNames,
    subjects: ['Offer: €{n} for the {w}', '“Final” version of the {w}', 'Invoice {n} – payment due', 'Re-cap — {w} workshop'],
    greeting: ['Hi —', 'Hello,', 'Dear all,'],
    closing: ['Best — ', 'Regards,', 'Thanks…'],
    attachmentNames: ['offer–final', 'invoice', 'slides “v2”', 'café-menu'],
  },
  german: {
    wordSeparator: ' ',
    sentenceEnd: ['.', '.', '?', '!'],
    words: [
      'Angebot', 'Rechnung', 'Lieferung', 'Bestätigung', 'Übersicht', 'Größe', 'Straße', 'für', 'über', 'möchten', 'Sie',
      'wir', 'bitte', 'Termin', 'nächste', 'Woche', 'Grüße', 'Vertrag', 'Kündigung', 'Änderungen', 'prüfen', 'zurück',
      'Rückfrage', 'Lösung', 'schön', 'gemäß', 'Bestellung', 'Zahlung', 'fällig', 'und', 'der', 'die', 'das', 'mit', 'im',
    ],
    firstNames: ['Jürgen', 'Björn', 'Sören', 'Käthe', 'Günther', 'Anna', 'Lukas', 'Jörg', 'Uwe'],
    lastNames: ['Müller', 'Schäfer', 'Weiß', 'Köhler', 'Groß', 'Fuchs', 'Becker', 'Schröder'],
    subjects: ['Angebot Nr. {n} für Sie', 'Rechnung {n} - Zahlungserinnerung', 'Terminbestätigung: {w}', 'Änderungen am Vertrag'],
    greeting: ['Sehr geehrte Damen und Herren,', 'Hallo,', 'Liebe Grüße vorab,'],
    closing: ['Mit freundlichen Grüßen', 'Viele Grüße', 'Beste Grüße'],
    attachmentNames: ['Angebot', 'Rechnung', 'Übersicht', 'Lieferschein'],
  },
  swedish: {
    wordSeparator: ' ',
    sentenceEnd: ['.', '.', '?', '!'],
    words: [
      'offert', 'faktura', 'leverans', 'möte', 'förslag', 'kostnadsförslag', 'välkommen', 'tack', 'för', 'och', 'på',
      'kunden', 'avtal', 'uppföljning', 'nästa', 'vecka', 'hälsningar', 'ändring', 'bekräftelse', 'återkomma', 'gärna',
      'frågor', 'betalning', 'förfallodag', 'årsavgift', 'sälj', 'kontor', 'Göteborg', 'Malmö', 'Västerås', 'är', 'vi',
    ],
    firstNames: ['Åsa', 'Björn', 'Märta', 'Örjan', 'Sven', 'Karin', 'Lars', 'Ingrid', 'Göran'],
    lastNames: ['Åström', 'Lindqvist', 'Öberg', 'Ekström', 'Johansson', 'Nilsson', 'Sjögren'],
    subjects: ['Offert {n} - förslag', 'Faktura {n} från oss', 'Möte på {w}', 'Tack för mötet', 'Uppföljning: {w}'],
    greeting: ['Hej!', 'Hej,', 'God morgon,'],
    closing: ['Med vänliga hälsningar', 'Hälsningar', 'Vänligen'],
    attachmentNames: ['Offert', 'Faktura', 'Avtal_Göteborg', 'Mötesanteckningar'],
  },
  french: {
    wordSeparator: ' ',
    sentenceEnd: ['.', '.', '?', '!'],
    words: [
      'réunion', 'été', 'déjà', 'à', 'bientôt', 'français', 'société', 'facture', 'reçu', 'très', 'intéressé', 'où', 'ça',
      'élevé', 'précédent', 'démarche', 'nous', 'vous', 'avons', 'le', 'la', 'les', 'des', 'pour', 'avec', 'merci', 'crème',
    ],
    firstNames: ['Hélène', 'François', 'Zoé', 'Jérôme', 'Céline', 'Noël', 'Loïc'],
    lastNames: ['Lefèvre', 'Dubois', 'Mercier', 'Gérard', 'Rousseau', 'Béranger'],
    subjects: ['Facture n° {n}', 'Réunion de {w}', 'Déjà reçu ?', 'Proposition commerciale {n}'],
    greeting: ['Bonjour,', 'Madame, Monsieur,', 'Chère équipe,'],
    closing: ['Cordialement,', 'Bien à vous,', 'À bientôt,'],
    attachmentNames: ['Facture', 'Présentation', 'Devis_été'],
  },
  russian: {
    wordSeparator: ' ',
    sentenceEnd: ['.', '.', '?', '!'],
    words: [
      'договор', 'счёт', 'оплата', 'поставка', 'встреча', 'предложение', 'спасибо', 'компания', 'цена', 'отчёт', 'клиент',
      'заказ', 'срок', 'документы', 'подпись', 'проект', 'неделя', 'следующая', 'пожалуйста', 'вопрос', 'ответ', 'и', 'в',
      'на', 'по', 'мы', 'вы', 'для', 'от', 'будет', 'можно', 'уточнить', 'согласовать', 'бюджет', 'скидка', 'менеджер',
    ],
    firstNames: ['Иван', 'Мария', 'Алексей', 'Ольга', 'Сергей', 'Наталья', 'Дмитрий', 'Елена'],
    lastNames: ['Иванов', 'Петрова', 'Смирнов', 'Кузнецова', 'Попов', 'Соколова', 'Лебедев'],
    subjects: ['Счёт № {n} на оплату', 'Договор поставки {n}', 'Встреча по проекту {w}', 'Коммерческое предложение', 'Re: уточнение по заказу {n}'],
    greeting: ['Здравствуйте!', 'Добрый день,', 'Уважаемые коллеги,'],
    closing: ['С уважением,', 'Спасибо,', 'Всего доброго,'],
    attachmentNames: ['Счёт', 'Договор', 'Акт_сверки', 'Презентация'],
  },
  japanese: {
    wordSeparator: '',
    sentenceEnd: ['。', '。', '。', '！', '？'],
    words: [
      'お世話になっております', '見積書', '会議', 'ご確認', 'よろしくお願いいたします', '請求書', '納品', '打ち合わせ', '資料',
      '送付', '株式会社', '担当', '予定', 'について', 'の件', 'させていただきます', '来週', '本日', '先日', 'ありがとうございました',
      '契約', '更新', 'お支払い', '期限', 'ご検討', 'ください', 'こちら', 'です', 'ます', '営業部', '東京', '大阪',
    ],
    firstNames: ['太郎', '花子', '健一', '由美', '翔太', '美咲'],
    lastNames: ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本'],
    subjects: ['【ご確認】見積書の送付について', '請求書（{n}月分）', '打ち合わせ日程のご相談', '契約更新のご案内', 'Re: 資料の件'],
    greeting: ['お世話になっております。', 'いつもありがとうございます。'],
    closing: ['よろしくお願いいたします。', '以上、ご確認ください。'],
    attachmentNames: ['見積書', '請求書', '資料', '議事録'],
  },
};

export const EMOJI = ['👍', '✅', '🎉', '🙂', '📎', '🚀', '☕', '📅'] as const;

export const COMPANY_DOMAINS = [
  'acme-corp.test', 'globex.test', 'initech.test', 'umbrella.test', 'hooli.test', 'stark-industries.test', 'wayne-enterprises.test',
  'example-handel.test', 'foretaget.test', 'kompaniya.test', 'kabushiki.test', 'societe.test', 'newsletter.shop.test',
] as const;

export const MAILERS = [
  'Microsoft Outlook 16.0', 'Apple Mail (2.3774.500.171.1.1)', 'Mozilla Thunderbird 128.3.0', 'Roundcube Webmail/1.6.6', 'K-9 Mail for Android',
] as const;
