/** Words of ordinary chat text in Kazakh, Russian and English, without identifiers. */
export const WORDS = {
  kk: 'сәлеметсіз бе құжаттарды жіберіңіз мектепке анықтама керек ертең жиналыс болады рақмет балалар үй тапсырмасы ата-аналар жиналысы сағат кабинет'.split(
    ' ',
  ),
  ru: 'здравствуйте пришлите пожалуйста документы до пятницы спасибо родители собрание завтра в кабинете классный руководитель оплата экскурсии договорились'.split(
    ' ',
  ),
  en: 'hello please send the documents by friday thanks parents meeting tomorrow in room teacher payment for the trip agreed'.split(
    ' ',
  ),
  /** Tokens with digits that are not personal data. */
  noise: '12:30 10:00 №5 2024 12.05.2024 15000 тг 3Б 204 каб. 5-й 100% +1 ул.Абая,10'.split(' '),
} as const;

export type Language = 'kk' | 'ru' | 'en';
