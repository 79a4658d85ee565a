/**
 * Kazakh staff lists for property tests: real names combined at random, in every code page's
 * letters (the encoders are in `kazakh-code-pages.ts`).
 */
import fc from 'fast-check';

/**
 * Kazakh names as registers write them, given names and surnames (a patronymic in -ұлы or
 * -қызы among them), with a few Russian ones as Kazakh lists hold them too. Real names, not
 * random letters: which Kazakh code page a file is in can turn on one pair of letters, ғ in
 * KZ-1048 being ә in PT154, and only the way Kazakh words are built tells "Ғалия" from "Әалия".
 */
const KAZAKH_NAMES = [
  ...['Әлібек', 'Нұрлан', 'Ерлан', 'Асқар', 'Ерғали', 'Бауыржан', 'Дәулет', 'Жандос', 'Қайрат'],
  ...['Мұрат', 'Нұрсұлтан', 'Серік', 'Талғат', 'Ғабит', 'Бағдат', 'Ақжол', 'Әділет', 'Ілияс'],
  ...['Сәкен', 'Жұмабек', 'Құдайберген', 'Мағжан', 'Рүстем', 'Сұлтан', 'Оңғар', 'Қуаныш'],
  ...['Ұлан', 'Нұржан', 'Еркебұлан', 'Ғалымжан', 'Төлеген', 'Бекзат', 'Дархан', 'Ғалия'],
  ...['Іңкәр', 'Әсел', 'Айгүл', 'Гүлнар', 'Жанар', 'Мөлдір', 'Назгүл', 'Сәуле', 'Ұлжан'],
  ...['Әйгерім', 'Ақмарал', 'Аяұлым', 'Шұғыла', 'Зәуре', 'Меруерт', 'Қарлығаш', 'Ләззат'],
  ...['Мәдина', 'Жұлдыз', 'Әлия', 'Бибігүл', 'Үміт', 'Салтанат', 'Тоғжан', 'Ақерке', 'Динара'],
  ...['Құрманғали', 'Құрманғалиев', 'Өмірзақ', 'Үсенова', 'Әбдірахманов', 'Сәтбаев', 'Қонаев'],
  ...['Нұрпейісов', 'Әуезов', 'Байтұрсынов', 'Жұмабаева', 'Тоқаев', 'Сейітқали', 'Мұқанов'],
  ...['Қасымова', 'Төлегенова', 'Бөкейханов', 'Жақсылықов', 'Ысқақов', 'Серікбаев', 'Ғабдуллин'],
  ...['Тұрсынбаева', 'Құнанбаев', 'Дүйсенова', 'Әлиханов', 'Рысқұлов', 'Үкібаев', 'Сүлейменов'],
  ...['Нұрланұлы', 'Мұратқызы', 'Иванов', 'Сергей', 'Ким', 'Алёна', 'Сёмина', 'Ольга', 'Юрий'],
];

/** A Kazakh staff list: maybe a header (in Kazakh too), then an IIN, an actor id, names a line. */
export const kazakhList = fc
  .tuple(
    fc.constantFrom(
      '',
      'ЖСН;Орындаушы идентификаторы;Белгі\r\n',
      'ИИН;Идентификатор;Метка\r\n',
      'iin;actorId;label\r\n',
    ),
    fc.array(
      fc.tuple(
        fc.stringMatching(/^\d{12}$/),
        fc.stringMatching(/^[A-Za-z0-9-]{0,10}$/),
        fc.array(fc.constantFrom(...KAZAKH_NAMES), { minLength: 1, maxLength: 3 }),
      ),
      { minLength: 1, maxLength: 10 },
    ),
  )
  .map(
    ([header, lines]) =>
      header +
      lines.map(([iin, actor, names]) => `${iin};${actor};${names.join(' ')}\r\n`).join(''),
  );
