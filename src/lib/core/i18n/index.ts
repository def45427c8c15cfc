import {canonicalLanguage} from '../settings.js'

/** Languages the join block is written in. */
export const JOIN_BLOCK_LANGUAGES = ['en', 'de', 'ja', 'pl', 'fr', 'es'] as const
export type JoinBlockLanguage = (typeof JOIN_BLOCK_LANGUAGES)[number]

export interface JoinBlockStrings {
  heading: string
  /** Label of the meeting link line. */
  joinByLink: string
  /** Label of the video (SIP) address line. */
  joinByVideo: string
  /** Small print; `{keyword}` is replaced by the keyword that asked for the block. */
  footer: string
}

const STRINGS: Record<JoinBlockLanguage, JoinBlockStrings> = {
  en: {
    heading: 'Join the meeting',
    joinByLink: 'Join from the app or a browser',
    joinByVideo: 'Join from a video system or application',
    footer: 'Join details added by hcal because the location contains {keyword}.',
  },
  de: {
    heading: 'An der Besprechung teilnehmen',
    joinByLink: 'Über die App oder einen Browser teilnehmen',
    joinByVideo: 'Über ein Videosystem oder eine Anwendung teilnehmen',
    footer: 'Einwahldaten von hcal hinzugefügt, weil der Ort {keyword} enthält.',
  },
  ja: {
    heading: '会議に参加',
    joinByLink: 'アプリまたはブラウザーから参加',
    joinByVideo: 'ビデオ システムまたはアプリケーションから参加',
    footer: '場所に {keyword} が含まれているため、hcal が参加情報を追加しました。',
  },
  pl: {
    heading: 'Dołącz do spotkania',
    joinByLink: 'Dołącz z aplikacji lub przeglądarki',
    joinByVideo: 'Dołącz z systemu wideo lub aplikacji',
    footer: 'Dane dołączania dodane przez hcal, ponieważ lokalizacja zawiera {keyword}.',
  },
  fr: {
    heading: 'Rejoindre la réunion',
    joinByLink: 'Rejoindre depuis l’application ou un navigateur',
    joinByVideo: 'Rejoindre depuis un système vidéo ou une application',
    footer: 'Informations de connexion ajoutées par hcal, car le lieu contient {keyword}.',
  },
  es: {
    heading: 'Unirse a la reunión',
    joinByLink: 'Unirse desde la aplicación o un navegador',
    joinByVideo: 'Unirse desde un sistema o una aplicación de vídeo',
    footer: 'Datos de acceso añadidos por hcal porque la ubicación contiene {keyword}.',
  },
}

/**
 * The block's language: the organiser's locale (Google settings `locale` such as "de" or "pt_BR",
 * Graph `language.locale` such as "de-AT"), else the profile default, reduced to its language
 * subtag; English when neither is one hcal has strings for.
 */
export function resolveLanguage(
  organiserLocale: string | null | undefined,
  profileDefault?: string,
): JoinBlockLanguage {
  for (const candidate of [organiserLocale, profileDefault]) {
    const tag = canonicalLanguage(candidate)
    if (!tag) continue
    const language = tag.split('-')[0]?.toLowerCase()
    const supported = JOIN_BLOCK_LANGUAGES.find((l) => l === language)
    if (supported) return supported
  }
  return 'en'
}

export function joinBlockStrings(language: JoinBlockLanguage): JoinBlockStrings {
  return STRINGS[language]
}
