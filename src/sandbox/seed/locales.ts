/**
 * Per-locale material for realistic seed users: names (display form and the ASCII form used in
 * addresses), time zones with their standard UTC offset (for business-hours start times), meeting
 * titles and out-of-office messages.
 */
export interface LocaleProfile {
  locale: string
  zones: readonly {zone: string; utcOffsetHours: number}[]
  givenNames: readonly (readonly [display: string, ascii: string])[]
  familyNames: readonly (readonly [display: string, ascii: string])[]
  /** Japanese display names put the family name first. */
  familyFirst?: boolean
  titles: readonly string[]
  oofMessage: string
}

export const LOCALES: readonly LocaleProfile[] = [
  {
    locale: 'en-US',
    zones: [
      {zone: 'America/New_York', utcOffsetHours: -5},
      {zone: 'America/Chicago', utcOffsetHours: -6},
      {zone: 'America/Los_Angeles', utcOffsetHours: -8},
    ],
    givenNames: [
      ['Jane', 'jane'],
      ['John', 'john'],
      ['Emily', 'emily'],
      ['Michael', 'michael'],
      ['Olivia', 'olivia'],
      ['David', 'david'],
      ['Sarah', 'sarah'],
      ['Chris', 'chris'],
    ],
    familyNames: [
      ['Smith', 'smith'],
      ['Johnson', 'johnson'],
      ['Brown', 'brown'],
      ['Garcia', 'garcia'],
      ['Miller', 'miller'],
      ['Davis', 'davis'],
      ["O'Connor", 'oconnor'],
    ],
    titles: ['Weekly sync', 'Quarterly business review', 'Project kickoff', '1:1', 'Design review', 'Budget planning'],
    oofMessage: 'I am out of the office with limited access to e-mail. I will reply when I am back.',
  },
  {
    locale: 'de-DE',
    zones: [{zone: 'Europe/Berlin', utcOffsetHours: 1}],
    givenNames: [
      ['Jürgen', 'juergen'],
      ['Anna', 'anna'],
      ['Lukas', 'lukas'],
      ['Sophie', 'sophie'],
      ['Maximilian', 'maximilian'],
      ['Lena', 'lena'],
    ],
    familyNames: [
      ['Müller', 'mueller'],
      ['Schmidt', 'schmidt'],
      ['Weiß', 'weiss'],
      ['Schäfer', 'schaefer'],
      ['Becker', 'becker'],
      ['Hoffmann', 'hoffmann'],
    ],
    titles: ['Wöchentliche Abstimmung', 'Projektbesprechung', 'Quartalsplanung', 'Kundentermin', 'Teammeeting'],
    oofMessage: 'Ich bin derzeit nicht im Büro und habe nur eingeschränkt Zugriff auf E-Mails.',
  },
  {
    locale: 'ja-JP',
    zones: [{zone: 'Asia/Tokyo', utcOffsetHours: 9}],
    familyFirst: true,
    givenNames: [
      ['太郎', 'taro'],
      ['花子', 'hanako'],
      ['健', 'ken'],
      ['由美', 'yumi'],
      ['大輔', 'daisuke'],
    ],
    familyNames: [
      ['山田', 'yamada'],
      ['佐藤', 'sato'],
      ['鈴木', 'suzuki'],
      ['高橋', 'takahashi'],
      ['田中', 'tanaka'],
    ],
    titles: ['定例会議', 'プロジェクト打ち合わせ', '週次ミーティング', '顧客との打ち合わせ'],
    oofMessage: '不在にしております。戻り次第ご連絡いたします。',
  },
  {
    locale: 'pl-PL',
    zones: [{zone: 'Europe/Warsaw', utcOffsetHours: 1}],
    givenNames: [
      ['Łukasz', 'lukasz'],
      ['Agnieszka', 'agnieszka'],
      ['Paweł', 'pawel'],
      ['Małgorzata', 'malgorzata'],
      ['Krzysztof', 'krzysztof'],
    ],
    familyNames: [
      ['Wójcik', 'wojcik'],
      ['Kowalski', 'kowalski'],
      ['Nowak', 'nowak'],
      ['Lewandowski', 'lewandowski'],
      ['Żak', 'zak'],
    ],
    titles: ['Spotkanie zespołu', 'Przegląd projektu', 'Planowanie sprintu', 'Spotkanie z klientem'],
    oofMessage: 'Jestem poza biurem. Odpowiem po powrocie.',
  },
  {
    locale: 'fr-FR',
    zones: [{zone: 'Europe/Paris', utcOffsetHours: 1}],
    givenNames: [
      ['Hélène', 'helene'],
      ['François', 'francois'],
      ['Camille', 'camille'],
      ['Jérôme', 'jerome'],
      ['Élodie', 'elodie'],
    ],
    familyNames: [
      ['Dubois', 'dubois'],
      ['Lefèvre', 'lefevre'],
      ['Moreau', 'moreau'],
      ['Girard', 'girard'],
      ['Bérénger', 'berenger'],
    ],
    titles: ["Point d'équipe", 'Revue de projet', 'Réunion client', 'Comité de pilotage'],
    oofMessage: "Je suis absent du bureau et n'ai qu'un accès limité à mes e-mails.",
  },
  {
    locale: 'es-ES',
    zones: [{zone: 'Europe/Madrid', utcOffsetHours: 1}],
    givenNames: [
      ['José', 'jose'],
      ['María', 'maria'],
      ['Íñigo', 'inigo'],
      ['Lucía', 'lucia'],
      ['Álvaro', 'alvaro'],
    ],
    familyNames: [
      ['García', 'garcia'],
      ['Fernández', 'fernandez'],
      ['Muñoz', 'munoz'],
      ['López', 'lopez'],
      ['Martínez', 'martinez'],
    ],
    titles: ['Reunión semanal', 'Revisión del proyecto', 'Reunión con el cliente', 'Planificación trimestral'],
    oofMessage: 'Estoy fuera de la oficina con acceso limitado al correo. Responderé a mi regreso.',
  },
]

/** Share of users per locale, in LOCALES order (an en-US-heavy but international organisation). */
export const LOCALE_WEIGHTS = [8, 3, 2, 2, 2, 2] as const
