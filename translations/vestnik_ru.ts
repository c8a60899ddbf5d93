<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>ErrorText</name>
    <message>
        <source>The server cannot be reached. Check that the worker is running and that the address is right, then try again.</source>
        <translation>Сервер недоступен. Убедитесь, что воркер запущен и адрес указан верно, и повторите попытку.</translation>
    </message>
    <message>
        <source>The server did not answer in time. Try again; if it keeps happening, the worker may be overloaded.</source>
        <translation>Сервер не ответил вовремя. Повторите попытку; если ошибка повторяется, возможно, воркер перегружен.</translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted (SHA-256 %1). Compare it with the fingerprint the worker printed at start and sign in again to trust it.</source>
        <translation>Сертификат сервера не является доверенным (SHA-256 %1). Сверьте его с отпечатком, который воркер вывел при запуске, и войдите снова, чтобы доверять ему.</translation>
    </message>
    <message>
        <source>Your session has ended. Sign in again.</source>
        <translation>Сеанс завершён. Войдите снова.</translation>
    </message>
    <message>
        <source>Your role does not allow this. Ask an administrator.</source>
        <translation>Ваша роль не позволяет это сделать. Обратитесь к администратору.</translation>
    </message>
    <message>
        <source>It no longer exists on the server; someone may have deleted it. Refresh the list.</source>
        <translation>Объекта больше нет на сервере — возможно, его кто-то удалил. Обновите список.</translation>
    </message>
    <message>
        <source>It clashes with the current state: %1</source>
        <translation>Конфликт с текущим состоянием: %1</translation>
    </message>
    <message>
        <source>The server refused it: %1. Correct it and try again.</source>
        <translation>Сервер отклонил запрос: %1. Исправьте и повторите попытку.</translation>
    </message>
    <message numerus="yes">
        <source>Too many requests. Try again in %n second(s).</source>
        <translation>
            <numerusform>Слишком много запросов. Повторите через %n секунду.</numerusform>
            <numerusform>Слишком много запросов. Повторите через %n секунды.</numerusform>
            <numerusform>Слишком много запросов. Повторите через %n секунд.</numerusform>
        </translation>
    </message>
    <message>
        <source>The server failed. Its log has the details under request %1.</source>
        <translation>Ошибка на сервере. Подробности — в его журнале, запрос %1.</translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation>(неизвестно)</translation>
    </message>
    <message>
        <source>It was cancelled.</source>
        <translation>Операция отменена.</translation>
    </message>
    <message>
        <source>%1 failed. %2</source>
        <translation>%1: ошибка. %2</translation>
    </message>
</context>
<context>
    <name>StatusNames</name>
    <message>
        <source>queued</source>
        <translation>в очереди</translation>
    </message>
    <message>
        <source>sending</source>
        <translation>отправляется</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>отправлено</translation>
    </message>
    <message>
        <source>retry scheduled</source>
        <translation>повтор запланирован</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>доставлено</translation>
    </message>
    <message>
        <source>opened</source>
        <translation>открыто</translation>
    </message>
    <message>
        <source>clicked</source>
        <translation>нажато</translation>
    </message>
    <message>
        <source>converted</source>
        <translation>конверсия</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>ошибка</translation>
    </message>
    <message>
        <source>invalid token</source>
        <translation>недействительный токен</translation>
    </message>
    <message>
        <source>dismissed</source>
        <translation>смахнуто</translation>
    </message>
    <message>
        <source>unregistered by the app</source>
        <translation>регистрация отменена приложением</translation>
    </message>
    <message>
        <source>no reason recorded</source>
        <translation>причина не указана</translation>
    </message>
    <message>
        <source>the provider refused the token (%1)</source>
        <translation>провайдер отклонил токен (%1)</translation>
    </message>
</context>
<context>
    <name>vestnik</name>
    <message>
        <source>Vestnik console: design push templates and trigger rules, look up devices, watch deliveries.</source>
        <translation>Консоль Вестника: шаблоны пуш-уведомлений и правила триггеров, поиск устройств, отслеживание доставки.</translation>
    </message>
    <message>
        <source>User interface language (ru, en); default: the one chosen in the console, else the system&apos;s.</source>
        <translation>Язык интерфейса (ru, en); по умолчанию — выбранный в консоли, иначе системный.</translation>
    </message>
    <message>
        <source>The worker&apos;s URL, e.g. https://127.0.0.1:8780.</source>
        <translation>URL воркера, например https://127.0.0.1:8780.</translation>
    </message>
    <message>
        <source>The login to fill in.</source>
        <translation>Логин для формы входа.</translation>
    </message>
    <message>
        <source>Trust the CA certificates (PEM) in this file, e.g. the worker&apos;s api-cert.pem.</source>
        <translation>Доверять сертификатам УЦ (PEM) из этого файла, например api-cert.pem воркера.</translation>
    </message>
    <message>
        <source>Keep the console&apos;s settings in this INI file instead of the user&apos;s.</source>
        <translation>Хранить настройки консоли в этом INI-файле вместо пользовательского.</translation>
    </message>
    <message>
        <source>Start even when the console is running already.</source>
        <translation>Запустить, даже если консоль уже запущена.</translation>
    </message>
</context>
<context>
    <name>vestnik::AppDialog</name>
    <message>
        <source>New app</source>
        <translation>Новое приложение</translation>
    </message>
    <message>
        <source>Edit app %1</source>
        <translation>Изменение приложения %1</translation>
    </message>
    <message>
        <source>e.g. shop-android</source>
        <translation>например, shop-android</translation>
    </message>
    <message>
        <source>1 to 64 characters: latin letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;. It cannot be changed later: devices and rules name the app by it.</source>
        <translation>От 1 до 64 символов: латинские буквы, цифры, &apos;.&apos;, &apos;_&apos; и &apos;-&apos;. Изменить его потом нельзя: по нему устройства и правила ссылаются на приложение.</translation>
    </message>
    <message>
        <source>&amp;Id:</source>
        <translation>&amp;ID:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <source>An app id is 1 to 64 latin letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or a digit.</source>
        <translation>ID приложения — от 1 до 64 символов: латинские буквы, цифры, &apos;.&apos;, &apos;_&apos; или &apos;-&apos;; первый символ — буква или цифра.</translation>
    </message>
    <message>
        <source>Give the app a name.</source>
        <translation>Укажите название приложения.</translation>
    </message>
</context>
<context>
    <name>vestnik::AppsTab</name>
    <message>
        <source>not set</source>
        <translation>не задан</translation>
    </message>
    <message>
        <source>stored but unreadable: upload it again</source>
        <translation>сохранён, но не читается: загрузите заново</translation>
    </message>
    <message>
        <source>project %1, %2, set %3</source>
        <translation>проект %1, %2, загружен %3</translation>
    </message>
    <message>
        <source>sandbox</source>
        <translation>песочница</translation>
    </message>
    <message>
        <source>production</source>
        <translation>боевая</translation>
    </message>
    <message>
        <source>%1 (%2), certificate, set %3</source>
        <translation>%1 (%2), сертификат, загружен %3</translation>
    </message>
    <message>
        <source>%1 (%2), team %3, key %4, set %5</source>
        <translation>%1 (%2), команда %3, ключ %4, загружен %5</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>FCM (Android)</source>
        <translation>FCM (Android)</translation>
    </message>
    <message>
        <source>APNs (iOS)</source>
        <translation>APNs (iOS)</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Создано</translation>
    </message>
    <message>
        <source>&amp;New app…</source>
        <translation>&amp;Новое приложение…</translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation>&amp;Переименовать…</translation>
    </message>
    <message>
        <source>&amp;Upload credential…</source>
        <translation>&amp;Загрузить учётные данные…</translation>
    </message>
    <message>
        <source>Apps</source>
        <translation>Приложения</translation>
    </message>
    <message>
        <source>Loading the apps</source>
        <translation>Загрузка приложений</translation>
    </message>
    <message numerus="yes">
        <source>%n app(s)</source>
        <translation>
            <numerusform>%n приложение</numerusform>
            <numerusform>%n приложения</numerusform>
            <numerusform>%n приложений</numerusform>
        </translation>
    </message>
    <message>
        <source>An app %1 exists already; choose it in the list to rename it.</source>
        <translation>Приложение %1 уже существует; чтобы переименовать его, выберите его в списке.</translation>
    </message>
    <message>
        <source>Creating the app</source>
        <translation>Создание приложения</translation>
    </message>
    <message>
        <source>App %1 created</source>
        <translation>Приложение %1 создано</translation>
    </message>
    <message>
        <source>Renaming the app</source>
        <translation>Переименование приложения</translation>
    </message>
    <message>
        <source>App %1 saved</source>
        <translation>Приложение %1 сохранено</translation>
    </message>
    <message>
        <source>Uploading the credential</source>
        <translation>Загрузка учётных данных</translation>
    </message>
    <message>
        <source>The FCM credential of %1 is saved</source>
        <translation>Учётные данные FCM для %1 сохранены</translation>
    </message>
    <message>
        <source>The APNs credential of %1 is saved</source>
        <translation>Учётные данные APNs для %1 сохранены</translation>
    </message>
</context>
<context>
    <name>vestnik::AuditLogPage</name>
    <message>
        <source>Audit log</source>
        <translation>Журнал аудита</translation>
    </message>
    <message>
        <source>%1 (service)</source>
        <translation>%1 (сервис)</translation>
    </message>
    <message>
        <source>the worker</source>
        <translation>воркер</translation>
    </message>
    <message>
        <source>anyone</source>
        <translation>кто угодно</translation>
    </message>
    <message>
        <source>A login or an API client id, exactly</source>
        <translation>Логин или ID API-клиента, точное совпадение</translation>
    </message>
    <message>
        <source>any action</source>
        <translation>любое действие</translation>
    </message>
    <message>
        <source>anything</source>
        <translation>любой объект</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;С:</translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation>&amp;По:</translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation>Пока&amp;зать</translation>
    </message>
    <message>
        <source>&amp;Who:</source>
        <translation>&amp;Кто:</translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation>&amp;Действие:</translation>
    </message>
    <message>
        <source>Ta&amp;rget:</source>
        <translation>&amp;Объект:</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Кто</translation>
    </message>
    <message>
        <source>Action</source>
        <translation>Действие</translation>
    </message>
    <message>
        <source>Target</source>
        <translation>Объект</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <source>From address</source>
        <translation>Адрес источника</translation>
    </message>
    <message>
        <source>&amp;Older entries</source>
        <translation>Более &amp;ранние записи</translation>
    </message>
    <message>
        <source>Loading the audit log</source>
        <translation>Загрузка журнала аудита</translation>
    </message>
    <message numerus="yes">
        <source>%n entry(ies)</source>
        <translation>
            <numerusform>%n запись</numerusform>
            <numerusform>%n записи</numerusform>
            <numerusform>%n записей</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n newest entry(ies); more are older</source>
        <translation>
            <numerusform>%n последняя запись; есть более ранние</numerusform>
            <numerusform>%n последние записи; есть более ранние</numerusform>
            <numerusform>%n последних записей; есть более ранние</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vestnik::ClientDialog</name>
    <message>
        <source>send events that trigger pushes</source>
        <translation>отправка событий, запускающих пуши</translation>
    </message>
    <message>
        <source>register devices and users</source>
        <translation>регистрация устройств и пользователей</translation>
    </message>
    <message>
        <source>read devices and users</source>
        <translation>чтение данных устройств и пользователей</translation>
    </message>
    <message>
        <source>report deliveries and opens</source>
        <translation>отчёты о доставках и открытиях</translation>
    </message>
    <message>
        <source>New API client</source>
        <translation>Новый API-клиент</translation>
    </message>
    <message>
        <source>e.g. the shop&apos;s backend</source>
        <translation>например, бэкенд магазина</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <source>Scopes:</source>
        <translation>Области доступа:</translation>
    </message>
    <message>
        <source>Give the client a name that says which service uses it.</source>
        <translation>Дайте клиенту название, по которому понятно, какой сервис его использует.</translation>
    </message>
    <message>
        <source>Choose at least one scope.</source>
        <translation>Выберите хотя бы одну область доступа.</translation>
    </message>
</context>
<context>
    <name>vestnik::ClientSecretDialog</name>
    <message>
        <source>Secret of %1</source>
        <translation>Секрет %1</translation>
    </message>
    <message>
        <source>&lt;b&gt;Copy the secret now.&lt;/b&gt; It is shown only this once: the worker keeps just a hash of it and cannot show it again. If it is lost, create a new client.</source>
        <translation>&lt;b&gt;Скопируйте секрет сейчас.&lt;/b&gt; Он показывается только один раз: воркер хранит лишь его хеш и не сможет показать его снова. Если секрет утерян, создайте нового клиента.</translation>
    </message>
    <message>
        <source>&amp;Copy secret</source>
        <translation>&amp;Копировать секрет</translation>
    </message>
    <message>
        <source>Client id:</source>
        <translation>ID клиента:</translation>
    </message>
    <message>
        <source>Client secret:</source>
        <translation>Секрет клиента:</translation>
    </message>
    <message>
        <source>Copied</source>
        <translation>Скопировано</translation>
    </message>
</context>
<context>
    <name>vestnik::ClientsTab</name>
    <message>
        <source>Client id</source>
        <translation>ID клиента</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>Scopes</source>
        <translation>Области доступа</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Создан</translation>
    </message>
    <message>
        <source>&amp;New API client…</source>
        <translation>&amp;Новый API-клиент…</translation>
    </message>
    <message>
        <source>API clients</source>
        <translation>API-клиенты</translation>
    </message>
    <message>
        <source>Loading the API clients</source>
        <translation>Загрузка API-клиентов</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>отключён</translation>
    </message>
    <message>
        <source>active</source>
        <translation>активен</translation>
    </message>
    <message numerus="yes">
        <source>%n API client(s)</source>
        <translation>
            <numerusform>%n API-клиент</numerusform>
            <numerusform>%n API-клиента</numerusform>
            <numerusform>%n API-клиентов</numerusform>
        </translation>
    </message>
    <message>
        <source>Creating the API client</source>
        <translation>Создание API-клиента</translation>
    </message>
    <message>
        <source>API client %1 created</source>
        <translation>API-клиент %1 создан</translation>
    </message>
</context>
<context>
    <name>vestnik::CredentialDialog</name>
    <message>
        <source>Provider credential of %1</source>
        <translation>Учётные данные провайдера для %1</translation>
    </message>
    <message>
        <source>FCM: service-account JSON</source>
        <translation>FCM: JSON сервисного аккаунта</translation>
    </message>
    <message>
        <source>APNs: .p8 token key</source>
        <translation>APNs: ключ токенов .p8</translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Обзор…</translation>
    </message>
    <message>
        <source>e.g. com.example.shop</source>
        <translation>например, com.example.shop</translation>
    </message>
    <message>
        <source>Production</source>
        <translation>Боевая</translation>
    </message>
    <message>
        <source>Sandbox (development builds)</source>
        <translation>Песочница (сборки для разработки)</translation>
    </message>
    <message>
        <source>&amp;Key id:</source>
        <translation>&amp;ID ключа:</translation>
    </message>
    <message>
        <source>&amp;Team id:</source>
        <translation>ID &amp;команды:</translation>
    </message>
    <message>
        <source>B&amp;undle id:</source>
        <translation>&amp;Bundle ID:</translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation>&amp;Среда:</translation>
    </message>
    <message>
        <source>The file is sent to the worker once and stored sealed. Neither the console nor the worker ever shows it again; upload it anew to replace it.</source>
        <translation>Файл передаётся воркеру один раз и хранится в зашифрованном виде. Ни консоль, ни воркер больше никогда его не покажут; чтобы заменить файл, загрузите его заново.</translation>
    </message>
    <message>
        <source>&amp;Provider:</source>
        <translation>&amp;Провайдер:</translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation>&amp;Файл:</translation>
    </message>
    <message>
        <source>Choose the .p8 key</source>
        <translation>Выберите ключ .p8</translation>
    </message>
    <message>
        <source>Choose the service-account file</source>
        <translation>Выберите файл сервисного аккаунта</translation>
    </message>
    <message>
        <source>APNs keys (*.p8)</source>
        <translation>Ключи APNs (*.p8)</translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation>Файлы JSON (*.json)</translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation>Все файлы (*)</translation>
    </message>
    <message>
        <source>Choose the file to upload.</source>
        <translation>Выберите файл для загрузки.</translation>
    </message>
    <message>
        <source>%1 is too large for a credential file.</source>
        <translation>%1: файл слишком большой для учётных данных.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Не удаётся прочитать %1: %2</translation>
    </message>
    <message>
        <source>%1 is not a service-account JSON file (%2). Download the key file again from the Firebase console: Project settings, Service accounts, Generate new private key.</source>
        <translation>%1 не является JSON-файлом сервисного аккаунта (%2). Скачайте файл ключа заново в консоли Firebase: Project settings, Service accounts, Generate new private key.</translation>
    </message>
    <message>
        <source>not a JSON object</source>
        <translation>не является JSON-объектом</translation>
    </message>
</context>
<context>
    <name>vestnik::DashboardPage</name>
    <message>
        <source>All pushes</source>
        <translation>Все пуши</translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation>Последний час</translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation>Последние 6 часов</translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation>Последние 24 часа</translation>
    </message>
    <message>
        <source>Show:</source>
        <translation>Показать:</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Отправлено</translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation>Доставлено</translation>
    </message>
    <message>
        <source>Opened</source>
        <translation>Открыто</translation>
    </message>
    <message>
        <source>Clicked</source>
        <translation>Нажато</translation>
    </message>
    <message>
        <source>Converted</source>
        <translation>Конверсия</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Ошибки</translation>
    </message>
    <message>
        <source>Retries</source>
        <translation>Повторы</translation>
    </message>
    <message>
        <source>Queued</source>
        <translation>В очереди</translation>
    </message>
    <message>
        <source>Per minute</source>
        <translation>В минуту</translation>
    </message>
    <message>
        <source>sent</source>
        <translation>отправлено</translation>
    </message>
    <message>
        <source>delivered</source>
        <translation>доставлено</translation>
    </message>
    <message>
        <source>opened</source>
        <translation>открыто</translation>
    </message>
    <message>
        <source>clicked</source>
        <translation>нажато</translation>
    </message>
    <message>
        <source>failed: invalid token</source>
        <translation>ошибка: недействительный токен</translation>
    </message>
    <message>
        <source>failed: permanent</source>
        <translation>ошибка: постоянная</translation>
    </message>
    <message>
        <source>failed: credentials</source>
        <translation>ошибка: учётные данные</translation>
    </message>
    <message>
        <source>Delivery funnel</source>
        <translation>Воронка доставки</translation>
    </message>
    <message>
        <source>pushes</source>
        <translation>пуши</translation>
    </message>
    <message>
        <source>converted</source>
        <translation>конверсия</translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation>Сводка</translation>
    </message>
    <message>
        <source>Template: %1</source>
        <translation>Шаблон: %1</translation>
    </message>
    <message>
        <source>Trigger rule: %1</source>
        <translation>Правило триггера: %1</translation>
    </message>
    <message>
        <source>not updated</source>
        <translation>не обновлено</translation>
    </message>
    <message>
        <source>Loading the statistics</source>
        <translation>Загрузка статистики</translation>
    </message>
    <message>
        <source>updated %1</source>
        <translation>обновлено в %1</translation>
    </message>
    <message>
        <source>Delivered: %1 of sent · opened: %2 of delivered · clicked: %3 of opened · converted: %4 of clicked</source>
        <translation>Доставлено: %1 от отправленных · открыто: %2 от доставленных · нажато: %3 от открытых · конверсия: %4 от нажатых</translation>
    </message>
</context>
<context>
    <name>vestnik::DevicesPage</name>
    <message>
        <source>User id, e.g. u-1001</source>
        <translation>ID пользователя, например u-1001</translation>
    </message>
    <message>
        <source>&amp;Look up</source>
        <translation>&amp;Найти</translation>
    </message>
    <message>
        <source>Attribute</source>
        <translation>Атрибут</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Платформа</translation>
    </message>
    <message>
        <source>App</source>
        <translation>Приложение</translation>
    </message>
    <message>
        <source>Locale</source>
        <translation>Локаль</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Токен</translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation>Отпечаток</translation>
    </message>
    <message>
        <source>State</source>
        <translation>Состояние</translation>
    </message>
    <message>
        <source>Registered</source>
        <translation>Зарегистрировано</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Создано</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Шаблон</translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation>Попытки</translation>
    </message>
    <message>
        <source>Error</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <source>Notification id</source>
        <translation>ID уведомления</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>Время</translation>
    </message>
    <message>
        <source>Detail</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <source>User:</source>
        <translation>Пользователь:</translation>
    </message>
    <message>
        <source>Attributes</source>
        <translation>Атрибуты</translation>
    </message>
    <message>
        <source>Devices</source>
        <translation>Устройства</translation>
    </message>
    <message>
        <source>Recent deliveries</source>
        <translation>Последние доставки</translation>
    </message>
    <message>
        <source>Status trail</source>
        <translation>История статусов</translation>
    </message>
    <message>
        <source>Enter a user id.</source>
        <translation>Введите ID пользователя.</translation>
    </message>
    <message>
        <source>Looking up %1…</source>
        <translation>Поиск %1…</translation>
    </message>
    <message>
        <source>No user %1 is known to the worker.</source>
        <translation>Пользователь %1 воркеру неизвестен.</translation>
    </message>
    <message>
        <source>Looking up the user</source>
        <translation>Поиск пользователя</translation>
    </message>
    <message>
        <source>Loading the devices</source>
        <translation>Загрузка устройств</translation>
    </message>
    <message>
        <source>Loading the deliveries</source>
        <translation>Загрузка доставок</translation>
    </message>
    <message>
        <source>User %1 · language %2 · time zone %3 · since %4</source>
        <translation>Пользователь %1 · язык %2 · часовой пояс %3 · с %4</translation>
    </message>
    <message>
        <source>not set</source>
        <translation>не задан</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>да</translation>
    </message>
    <message>
        <source>no</source>
        <translation>нет</translation>
    </message>
    <message>
        <source>active</source>
        <translation>активно</translation>
    </message>
    <message>
        <source>deactivated %1: %2</source>
        <translation>деактивировано %1: %2</translation>
    </message>
    <message numerus="yes">
        <source>%n device(s), %1 active</source>
        <translation>
            <numerusform>%n устройство, активных: %1</numerusform>
            <numerusform>%n устройства, активных: %1</numerusform>
            <numerusform>%n устройств, активных: %1</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 v%2</source>
        <translation>%1 v%2</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1: %2</translation>
    </message>
    <message>
        <source>Loading the status trail</source>
        <translation>Загрузка истории статусов</translation>
    </message>
</context>
<context>
    <name>vestnik::InterfaceTab</name>
    <message>
        <source>System language</source>
        <translation>Язык системы</translation>
    </message>
    <message>
        <source>System</source>
        <translation>Системная</translation>
    </message>
    <message>
        <source>Light</source>
        <translation>Светлая</translation>
    </message>
    <message>
        <source>Dark</source>
        <translation>Тёмная</translation>
    </message>
    <message>
        <source>These choices are kept on this computer for you; they do not change the server.</source>
        <translation>Эти настройки сохраняются только для вас на этом компьютере и ничего не меняют на сервере.</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Язык:</translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation>&amp;Тема:</translation>
    </message>
    <message>
        <source>Interface</source>
        <translation>Интерфейс</translation>
    </message>
</context>
<context>
    <name>vestnik::LocaleEditor</name>
    <message>
        <source>{{name}}, your cart is waiting</source>
        <translation>{{name}}, ваша корзина ждёт</translation>
    </message>
    <message>
        <source>The notification&apos;s text; {{ opens a variable</source>
        <translation>Текст уведомления; {{ начинает переменную</translation>
    </message>
    <message>
        <source>shop://cart</source>
        <translation>shop://cart</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Подпись</translation>
    </message>
    <message>
        <source>Opens (deep link)</source>
        <translation>Открывает (диплинк)</translation>
    </message>
    <message>
        <source>Key</source>
        <translation>Ключ</translation>
    </message>
    <message>
        <source>Value</source>
        <translation>Значение</translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation>&amp;Заголовок:</translation>
    </message>
    <message>
        <source>&amp;Body:</source>
        <translation>&amp;Текст:</translation>
    </message>
    <message>
        <source>&amp;Image URL:</source>
        <translation>URL &amp;изображения:</translation>
    </message>
    <message>
        <source>&amp;Deep link:</source>
        <translation>&amp;Диплинк:</translation>
    </message>
    <message>
        <source>Buttons:</source>
        <translation>Кнопки:</translation>
    </message>
    <message>
        <source>Data fields:</source>
        <translation>Поля данных:</translation>
    </message>
    <message>
        <source>Add</source>
        <translation>Добавить</translation>
    </message>
    <message>
        <source>Remove</source>
        <translation>Удалить</translation>
    </message>
</context>
<context>
    <name>vestnik::MainWindow</name>
    <message>
        <source>Connecting…</source>
        <translation>Подключение…</translation>
    </message>
    <message>
        <source>Connected</source>
        <translation>Подключено</translation>
    </message>
    <message>
        <source>Server unreachable</source>
        <translation>Сервер недоступен</translation>
    </message>
    <message>
        <source>administrator</source>
        <translation>администратор</translation>
    </message>
    <message>
        <source>marketer</source>
        <translation>маркетолог</translation>
    </message>
    <message>
        <source>analyst</source>
        <translation>аналитик</translation>
    </message>
    <message>
        <source>Vestnik Console</source>
        <translation>Консоль Вестника</translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation>Закрыть</translation>
    </message>
    <message>
        <source>Your session has ended. Sign in again.</source>
        <translation>Сеанс завершён. Войдите снова.</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Файл</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Выйти из &amp;учётной записи</translation>
    </message>
    <message>
        <source>Ctrl+Shift+L</source>
        <translation>Ctrl+Shift+L</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Выход</translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation>&amp;Переход</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Обновить</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>&amp;Вид</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>&amp;Тема</translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation>&amp;Системная</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>С&amp;ветлая</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>&amp;Тёмная</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>&amp;Язык</translation>
    </message>
    <message>
        <source>&amp;System language</source>
        <translation>&amp;Язык системы</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Справка</translation>
    </message>
    <message>
        <source>&amp;About Vestnik</source>
        <translation>&amp;О Вестнике</translation>
    </message>
    <message>
        <source>About Vestnik</source>
        <translation>О Вестнике</translation>
    </message>
    <message>
        <source>&lt;b&gt;Vestnik %1&lt;/b&gt;&lt;br&gt;Self-hosted push notifications: templates, triggers, campaigns and their results.</source>
        <translation>&lt;b&gt;Вестник %1&lt;/b&gt;&lt;br&gt;Пуш-уведомления на собственном сервере: шаблоны, триггеры, кампании и их результаты.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>Нет подключения</translation>
    </message>
    <message>
        <source>The worker answers again.</source>
        <translation>Воркер снова отвечает.</translation>
    </message>
</context>
<context>
    <name>vestnik::NotificationMockup</name>
    <message>
        <source>Your app</source>
        <translation>Ваше приложение</translation>
    </message>
    <message>
        <source>now</source>
        <translation>сейчас</translation>
    </message>
    <message>
        <source>image</source>
        <translation>изображение</translation>
    </message>
</context>
<context>
    <name>vestnik::PasswordDialog</name>
    <message>
        <source>New password for %1</source>
        <translation>Новый пароль для %1</translation>
    </message>
    <message>
        <source>New &amp;password:</source>
        <translation>Новый &amp;пароль:</translation>
    </message>
    <message>
        <source>Re&amp;peat it:</source>
        <translation>Пов&amp;торите пароль:</translation>
    </message>
</context>
<context>
    <name>vestnik::PlatformOptionsEditor</name>
    <message>
        <source>as the template</source>
        <translation>как в шаблоне</translation>
    </message>
    <message>
        <source>Priority:</source>
        <translation>Приоритет:</translation>
    </message>
    <message>
        <source>4 weeks</source>
        <translation>4 недели</translation>
    </message>
    <message>
        <source>Time to live, s:</source>
        <translation>Время жизни (TTL), с:</translation>
    </message>
    <message>
        <source>the notification id</source>
        <translation>ID уведомления</translation>
    </message>
    <message>
        <source>Collapse key:</source>
        <translation>Ключ схлопывания:</translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation>Канал:</translation>
    </message>
    <message>
        <source>Sound:</source>
        <translation>Звук:</translation>
    </message>
    <message>
        <source>Category:</source>
        <translation>Категория:</translation>
    </message>
    <message>
        <source>Badge:</source>
        <translation>Бейдж:</translation>
    </message>
    <message>
        <source>Thread id:</source>
        <translation>ID ветки:</translation>
    </message>
    <message>
        <source>Delivery: all platforms</source>
        <translation>Доставка: все платформы</translation>
    </message>
    <message>
        <source>Android</source>
        <translation>Android</translation>
    </message>
    <message>
        <source>iOS</source>
        <translation>iOS</translation>
    </message>
    <message>
        <source>High: show at once</source>
        <translation>Высокий: показать сразу</translation>
    </message>
    <message>
        <source>Normal: may wait to save battery</source>
        <translation>Обычный: возможна задержка ради экономии заряда</translation>
    </message>
</context>
<context>
    <name>vestnik::PreviewPanel</name>
    <message>
        <source>user id, e.g. u-anna</source>
        <translation>ID пользователя, например u-anna</translation>
    </message>
    <message>
        <source>Sample &amp;user:</source>
        <translation>&amp;Пример пользователя:</translation>
    </message>
    <message>
        <source>Android</source>
        <translation>Android</translation>
    </message>
    <message>
        <source>iOS</source>
        <translation>iOS</translation>
    </message>
    <message>
        <source>Payload size:</source>
        <translation>Размер полезной нагрузки:</translation>
    </message>
    <message>
        <source>Payloads as the providers receive them:</source>
        <translation>Полезная нагрузка в том виде, в каком её получают провайдеры:</translation>
    </message>
    <message>
        <source>The preview appears as you type.</source>
        <translation>Предпросмотр появляется по мере ввода.</translation>
    </message>
    <message>
        <source>%1 %2/%3 B</source>
        <translation>%1 %2/%3 Б</translation>
    </message>
    <message>
        <source>JSON, e.g. {&quot;название_товара&quot;: &quot;Кофеварка&quot;, &quot;count&quot;: 3}</source>
        <translation>JSON, например {&quot;название_товара&quot;: &quot;Кофеварка&quot;, &quot;count&quot;: 3}</translation>
    </message>
    <message>
        <source>Values a send would carry (an event&apos;s data, a campaign&apos;s variables); they win over the sample user&apos;s attributes of the same name.</source>
        <translation>Значения, которые несла бы отправка (данные события, переменные кампании); они важнее одноимённых атрибутов пользователя-образца.</translation>
    </message>
    <message>
        <source>Sample &amp;variables:</source>
        <translation>&amp;Переменные образца:</translation>
    </message>
    <message>
        <source>The sample variables are not valid JSON (%1 at character %2).</source>
        <translation>Переменные образца — не корректный JSON (%1, символ %2).</translation>
    </message>
    <message>
        <source>The sample variables must be a JSON object: {&quot;name&quot;: value, …}.</source>
        <translation>Переменные образца должны быть JSON-объектом: {&quot;имя&quot;: значение, …}.</translation>
    </message>
</context>
<context>
    <name>vestnik::SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation>Настройки</translation>
    </message>
</context>
<context>
    <name>vestnik::SettingsTab</name>
    <message>
        <source>%1 failed: this worker does not offer it (%2). It may be older than the console; update it.</source>
        <translation>%1: ошибка — этот воркер не поддерживает эту операцию (%2). Возможно, он старше консоли; обновите его.</translation>
    </message>
</context>
<context>
    <name>vestnik::SignInPage</name>
    <message>
        <source>Sign in to Vestnik</source>
        <translation>Вход в Вестник</translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation>&amp;Сервер:</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Пароль:</translation>
    </message>
    <message>
        <source>&amp;Trust this certificate and sign in</source>
        <translation>&amp;Доверять этому сертификату и войти</translation>
    </message>
    <message>
        <source>Sign &amp;in</source>
        <translation>&amp;Войти</translation>
    </message>
    <message>
        <source>Enter the worker&apos;s address, for example https://127.0.0.1:8780.</source>
        <translation>Введите адрес воркера, например https://127.0.0.1:8780.</translation>
    </message>
    <message>
        <source>Enter your login and password.</source>
        <translation>Введите логин и пароль.</translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation>Вход…</translation>
    </message>
    <message>
        <source>&lt;b&gt;The server&apos;s certificate has changed&lt;/b&gt; since you trusted it. Trust the new one only if its administrator replaced it.</source>
        <translation>&lt;b&gt;Сертификат сервера изменился&lt;/b&gt; с тех пор, как вы ему доверились. Доверяйте новому, только если его заменил администратор сервера.</translation>
    </message>
    <message>
        <source>&lt;b&gt;First contact with this server.&lt;/b&gt; No certificate authority vouches for its certificate. Compare this fingerprint with the one the worker printed at start:</source>
        <translation>&lt;b&gt;Первое подключение к этому серверу.&lt;/b&gt; Его сертификат не заверен ни одним центром сертификации. Сверьте этот отпечаток с тем, который воркер вывел при запуске:</translation>
    </message>
    <message>
        <source>Signing in</source>
        <translation>Вход</translation>
    </message>
    <message>
        <source>The login or password is wrong, or the account is disabled or locked for now after failed attempts.</source>
        <translation>Неверный логин или пароль, либо учётная запись отключена или временно заблокирована после неудачных попыток.</translation>
    </message>
</context>
<context>
    <name>vestnik::TemplateEditor</name>
    <message>
        <source>cart-abandoned</source>
        <translation>cart-abandoned</translation>
    </message>
    <message>
        <source>Abandoned cart</source>
        <translation>Брошенная корзина</translation>
    </message>
    <message>
        <source>e.g. de, kk, en-GB</source>
        <translation>например, de, kk, en-GB</translation>
    </message>
    <message>
        <source>Add &amp;language</source>
        <translation>Добавить &amp;язык</translation>
    </message>
    <message>
        <source>Template &amp;id:</source>
        <translation>ID &amp;шаблона:</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>Н&amp;азвание:</translation>
    </message>
    <message>
        <source>%1 (default)</source>
        <translation>%1 (по умолчанию)</translation>
    </message>
    <message>
        <source>A language is a code such as de, kk or en-GB.</source>
        <translation>Язык задаётся кодом, например de, kk или en-GB.</translation>
    </message>
    <message>
        <source>%1 is there already.</source>
        <translation>Язык %1 уже добавлен.</translation>
    </message>
</context>
<context>
    <name>vestnik::TemplatesPage</name>
    <message>
        <source>Templates</source>
        <translation>Шаблоны</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Сохранить</translation>
    </message>
    <message>
        <source>Save as a new version (%1)</source>
        <translation>Сохранить как новую версию (%1)</translation>
    </message>
    <message>
        <source>Send &amp;test to user…</source>
        <translation>&amp;Отправить тест пользователю…</translation>
    </message>
    <message>
        <source>Preview</source>
        <translation>Предпросмотр</translation>
    </message>
    <message>
        <source>History</source>
        <translation>История</translation>
    </message>
    <message>
        <source>Search templates</source>
        <translation>Поиск шаблонов</translation>
    </message>
    <message>
        <source>&amp;New template</source>
        <translation>&amp;Новый шаблон</translation>
    </message>
    <message>
        <source>Loading the templates</source>
        <translation>Загрузка шаблонов</translation>
    </message>
    <message>
        <source>%1 (v%2)</source>
        <translation>%1 (v%2)</translation>
    </message>
    <message>
        <source>Loading the known user attributes and event fields</source>
        <translation>Загрузка известных атрибутов пользователей и полей событий</translation>
    </message>
    <message>
        <source>Opening template %1</source>
        <translation>Открытие шаблона %1</translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation>Версия %1</translation>
    </message>
    <message>
        <source>New template, not saved</source>
        <translation>Новый шаблон, не сохранён</translation>
    </message>
    <message>
        <source>The preview appears as you type.</source>
        <translation>Предпросмотр появляется по мере ввода.</translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation>Несохранённые изменения</translation>
    </message>
    <message>
        <source>The new template is not saved. Discard it?</source>
        <translation>Новый шаблон не сохранён. Отбросить его?</translation>
    </message>
    <message>
        <source>The changes to “%1” are not saved. Discard them?</source>
        <translation>Изменения в «%1» не сохранены. Отбросить их?</translation>
    </message>
    <message>
        <source>Version %1, changed</source>
        <translation>Версия %1, есть изменения</translation>
    </message>
    <message>
        <source>The template does not compile.</source>
        <translation>Шаблон не компилируется.</translation>
    </message>
    <message>
        <source>There is no user “%1”: choose another sample user.</source>
        <translation>Пользователь «%1» не найден: выберите другой пример пользователя.</translation>
    </message>
    <message>
        <source>No such sample user.</source>
        <translation>Пример пользователя не найден.</translation>
    </message>
    <message>
        <source>The template is not valid.</source>
        <translation>Шаблон некорректен.</translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation>Предпросмотр недоступен: %1</translation>
    </message>
    <message>
        <source>Give the template an id first: deliveries and trigger rules name it.</source>
        <translation>Сначала задайте ID шаблона: по нему на шаблон ссылаются доставки и правила триггеров.</translation>
    </message>
    <message>
        <source>Saving template %1</source>
        <translation>Сохранение шаблона %1</translation>
    </message>
    <message>
        <source>Nothing changed: version %1 of “%2” stays the latest.</source>
        <translation>Изменений нет: версия %1 шаблона «%2» остаётся последней.</translation>
    </message>
    <message>
        <source>Template “%1” saved as version %2.</source>
        <translation>Шаблон «%1» сохранён как версия %2.</translation>
    </message>
    <message>
        <source>Save the template first: a test sends the saved version.</source>
        <translation>Сначала сохраните шаблон: в тесте отправляется сохранённая версия.</translation>
    </message>
    <message>
        <source>&amp;Archive…</source>
        <translation>В &amp;архив…</translation>
    </message>
    <message>
        <source>Remove the template from the list; its versions stay for the deliveries that name them, and saving it again continues its numbering.</source>
        <translation>Убрать шаблон из списка; его версии остаются для доставок, которые на них ссылаются, а при повторном сохранении нумерация продолжится.</translation>
    </message>
    <message>
        <source>No preview until the sample variables are a JSON object.</source>
        <translation>Предпросмотра не будет, пока переменные образца не станут JSON-объектом.</translation>
    </message>
    <message>
        <source>Archive template</source>
        <translation>Архивировать шаблон</translation>
    </message>
    <message>
        <source>Archive template “%1”? It leaves the list; deliveries keep naming its versions, and saving a template with this id again brings it back as version %2.</source>
        <translation>Архивировать шаблон «%1»? Он исчезнет из списка; доставки по-прежнему ссылаются на его версии, а сохранение шаблона с этим идентификатором вернёт его как версию %2.</translation>
    </message>
    <message>
        <source>&amp;Archive</source>
        <translation>&amp;Архивировать</translation>
    </message>
    <message>
        <source>“%1” is not archived: a trigger rule sends it. Point the rule at another template or delete the rule first. (%2)</source>
        <translation>«%1» не архивирован: его отправляет правило триггера. Сначала укажите в правиле другой шаблон или удалите правило. (%2)</translation>
    </message>
    <message>
        <source>Archiving template %1</source>
        <translation>Архивирование шаблона %1</translation>
    </message>
    <message>
        <source>Template “%1” archived.</source>
        <translation>Шаблон «%1» отправлен в архив.</translation>
    </message>
</context>
<context>
    <name>vestnik::TestSendDialog</name>
    <message>
        <source>Accepted by the provider</source>
        <translation>Принято провайдером</translation>
    </message>
    <message>
        <source>Invalid token: the device was deactivated</source>
        <translation>Недействительный токен: устройство деактивировано</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>Ошибка</translation>
    </message>
    <message>
        <source>Will be retried</source>
        <translation>Запланирован повтор</translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation>Не отправлено</translation>
    </message>
    <message>
        <source>Send a test of “%1”</source>
        <translation>Тестовая отправка «%1»</translation>
    </message>
    <message>
        <source>Sends version %1 (the latest saved; unsaved edits are not sent) to every active device of the user, now, through the real providers.</source>
        <translation>Отправляет версию %1 (последнюю сохранённую; несохранённые правки не отправляются) на все активные устройства пользователя — сразу и через реальных провайдеров.</translation>
    </message>
    <message>
        <source>user id, e.g. u-anna</source>
        <translation>ID пользователя, например u-anna</translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation>&amp;Отправить</translation>
    </message>
    <message>
        <source>Device</source>
        <translation>Устройство</translation>
    </message>
    <message>
        <source>Platform</source>
        <translation>Платформа</translation>
    </message>
    <message>
        <source>Token</source>
        <translation>Токен</translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation>Результат</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Подробности</translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation>&amp;Пользователь:</translation>
    </message>
    <message>
        <source>Enter the id of the user to send to.</source>
        <translation>Введите ID пользователя, которому нужно отправить тест.</translation>
    </message>
    <message>
        <source>Sending to %1…</source>
        <translation>Отправка пользователю %1…</translation>
    </message>
    <message>
        <source>Sending the test</source>
        <translation>Отправка теста</translation>
    </message>
    <message>
        <source>The user has no active device: nothing was sent.</source>
        <translation>У пользователя нет активных устройств: ничего не отправлено.</translation>
    </message>
    <message>
        <source>Version %1: %2, %3, %4.</source>
        <translation>Версия %1: %2, %3, %4.</translation>
    </message>
    <message numerus="yes">
        <source>%n sent</source>
        <translation>
            <numerusform>отправлено: %n</numerusform>
            <numerusform>отправлено: %n</numerusform>
            <numerusform>отправлено: %n</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n ошибка</numerusform>
            <numerusform>%n ошибки</numerusform>
            <numerusform>%n ошибок</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n invalid token(s)</source>
        <translation>
            <numerusform>%n недействительный токен</numerusform>
            <numerusform>%n недействительных токена</numerusform>
            <numerusform>%n недействительных токенов</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vestnik::TriggerRuleDialog</name>
    <message>
        <source>Trigger rule</source>
        <translation>Правило триггера</translation>
    </message>
    <message>
        <source>every app of the user</source>
        <translation>все приложения пользователя</translation>
    </message>
    <message>
        <source>Every event of this type</source>
        <translation>Каждое событие этого типа</translation>
    </message>
    <message>
        <source>When a field…</source>
        <translation>Если поле…</translation>
    </message>
    <message>
        <source>Condition as JSON</source>
        <translation>Условие в виде JSON</translation>
    </message>
    <message>
        <source>field, e.g. сумма or товар.цена</source>
        <translation>поле, например сумма или товар.цена</translation>
    </message>
    <message>
        <source>equals</source>
        <translation>равно</translation>
    </message>
    <message>
        <source>differs from</source>
        <translation>не равно</translation>
    </message>
    <message>
        <source>greater than</source>
        <translation>больше</translation>
    </message>
    <message>
        <source>at least</source>
        <translation>не меньше</translation>
    </message>
    <message>
        <source>less than</source>
        <translation>меньше</translation>
    </message>
    <message>
        <source>at most</source>
        <translation>не больше</translation>
    </message>
    <message>
        <source>is one of</source>
        <translation>одно из</translation>
    </message>
    <message>
        <source>contains</source>
        <translation>содержит</translation>
    </message>
    <message>
        <source>exists</source>
        <translation>существует</translation>
    </message>
    <message>
        <source>value; a number, true/false, [&quot;a&quot;,&quot;b&quot;] or text</source>
        <translation>значение: число, true/false, [&quot;a&quot;,&quot;b&quot;] или текст</translation>
    </message>
    <message>
        <source>Quiet hours, in the user&apos;s time zone:</source>
        <translation>Тихие часы (по часовому поясу пользователя):</translation>
    </message>
    <message>
        <source>no cap</source>
        <translation>без ограничения</translation>
    </message>
    <message>
        <source> h</source>
        <translation> ч</translation>
    </message>
    <message>
        <source>pushes per user within</source>
        <translation>пушей на пользователя за</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Включено</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Название:</translation>
    </message>
    <message>
        <source>&amp;Event type:</source>
        <translation>&amp;Тип события:</translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation>&amp;Шаблон:</translation>
    </message>
    <message>
        <source>&amp;App:</source>
        <translation>&amp;Приложение:</translation>
    </message>
    <message>
        <source>&amp;Condition:</source>
        <translation>&amp;Условие:</translation>
    </message>
    <message>
        <source>Quiet hours:</source>
        <translation>Тихие часы:</translation>
    </message>
    <message>
        <source>Frequency cap:</source>
        <translation>Ограничение частоты:</translation>
    </message>
    <message>
        <source>Name the event field the condition tests.</source>
        <translation>Укажите поле события, которое проверяет условие.</translation>
    </message>
    <message>
        <source>The condition is not a JSON object: %1 at character %2.</source>
        <translation>Условие не является JSON-объектом: %1 (символ %2).</translation>
    </message>
    <message>
        <source>A rule needs a name, an event type and a template.</source>
        <translation>У правила должны быть название, тип события и шаблон.</translation>
    </message>
    <message>
        <source>Quiet hours must end at another time than they start.</source>
        <translation>Время окончания тихих часов должно отличаться от времени начала.</translation>
    </message>
</context>
<context>
    <name>vestnik::TriggersPage</name>
    <message>
        <source>Name</source>
        <translation>Название</translation>
    </message>
    <message>
        <source>Event type</source>
        <translation>Тип события</translation>
    </message>
    <message>
        <source>Template</source>
        <translation>Шаблон</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>Условие</translation>
    </message>
    <message>
        <source>Quiet hours</source>
        <translation>Тихие часы</translation>
    </message>
    <message>
        <source>Frequency cap</source>
        <translation>Ограничение частоты</translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation>Включено</translation>
    </message>
    <message>
        <source>&amp;New rule…</source>
        <translation>&amp;Новое правило…</translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Изменить…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Удалить</translation>
    </message>
    <message>
        <source>Triggers</source>
        <translation>Триггеры</translation>
    </message>
    <message>
        <source>Loading the trigger rules</source>
        <translation>Загрузка правил триггеров</translation>
    </message>
    <message>
        <source>every event</source>
        <translation>любое событие</translation>
    </message>
    <message>
        <source>none</source>
        <translation>нет</translation>
    </message>
    <message numerus="yes">
        <source>%n push(es) per %1 h</source>
        <translation>
            <numerusform>%n пуш за %1 ч</numerusform>
            <numerusform>%n пуша за %1 ч</numerusform>
            <numerusform>%n пушей за %1 ч</numerusform>
        </translation>
    </message>
    <message>
        <source>on</source>
        <translation>вкл.</translation>
    </message>
    <message>
        <source>off</source>
        <translation>выкл.</translation>
    </message>
    <message>
        <source>The worker refused the rule.</source>
        <translation>Воркер отклонил правило.</translation>
    </message>
    <message>
        <source>Trigger rule “%1” saved</source>
        <translation>Правило триггера «%1» сохранено</translation>
    </message>
    <message>
        <source>Enabling the rule</source>
        <translation>Включение правила</translation>
    </message>
    <message>
        <source>Disabling the rule</source>
        <translation>Отключение правила</translation>
    </message>
    <message>
        <source>Rule enabled</source>
        <translation>Правило включено</translation>
    </message>
    <message>
        <source>Rule disabled</source>
        <translation>Правило отключено</translation>
    </message>
    <message>
        <source>Delete the rule</source>
        <translation>Удалить правило</translation>
    </message>
    <message>
        <source>Delete this trigger rule? Events of its type will no longer send its template.</source>
        <translation>Удалить это правило триггера? По событиям этого типа его шаблон больше не будет отправляться.</translation>
    </message>
    <message>
        <source>Deleting the rule</source>
        <translation>Удаление правила</translation>
    </message>
</context>
<context>
    <name>vestnik::UserDialog</name>
    <message numerus="yes">
        <source>A password needs at least %n character(s).</source>
        <translation>
            <numerusform>Пароль должен содержать не менее %n символа.</numerusform>
            <numerusform>Пароль должен содержать не менее %n символов.</numerusform>
            <numerusform>Пароль должен содержать не менее %n символов.</numerusform>
        </translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation>Пароли не совпадают.</translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation>Администратор</translation>
    </message>
    <message>
        <source>Marketer</source>
        <translation>Маркетолог</translation>
    </message>
    <message>
        <source>Analyst</source>
        <translation>Аналитик</translation>
    </message>
    <message>
        <source>New console user</source>
        <translation>Новый пользователь консоли</translation>
    </message>
    <message>
        <source>Administrators manage apps, users and API clients; marketers edit templates and trigger rules; analysts only read.</source>
        <translation>Администраторы управляют приложениями, пользователями и API-клиентами; маркетологи редактируют шаблоны и правила триггеров; аналитики только просматривают данные.</translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation>&amp;Логин:</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Роль:</translation>
    </message>
    <message>
        <source>Initial &amp;password:</source>
        <translation>Начальный &amp;пароль:</translation>
    </message>
    <message>
        <source>Re&amp;peat it:</source>
        <translation>Пов&amp;торите пароль:</translation>
    </message>
    <message>
        <source>Enter the login.</source>
        <translation>Введите логин.</translation>
    </message>
</context>
<context>
    <name>vestnik::UsersTab</name>
    <message>
        <source>Login</source>
        <translation>Логин</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Роль</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Статус</translation>
    </message>
    <message>
        <source>Created</source>
        <translation>Создан</translation>
    </message>
    <message>
        <source>&amp;New user…</source>
        <translation>&amp;Новый пользователь…</translation>
    </message>
    <message>
        <source>Set &amp;role</source>
        <translation>Назначить &amp;роль</translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation>&amp;Отключить</translation>
    </message>
    <message>
        <source>New &amp;password…</source>
        <translation>Новый &amp;пароль…</translation>
    </message>
    <message>
        <source>Console users</source>
        <translation>Пользователи консоли</translation>
    </message>
    <message>
        <source>Loading the console users</source>
        <translation>Загрузка пользователей консоли</translation>
    </message>
    <message>
        <source>disabled</source>
        <translation>отключён</translation>
    </message>
    <message>
        <source>active</source>
        <translation>активен</translation>
    </message>
    <message numerus="yes">
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n пользователь</numerusform>
            <numerusform>%n пользователя</numerusform>
            <numerusform>%n пользователей</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation>&amp;Включить</translation>
    </message>
    <message>
        <source>You cannot change your own role or disable yourself; ask another administrator.</source>
        <translation>Нельзя изменить собственную роль или отключить свою учётную запись; обратитесь к другому администратору.</translation>
    </message>
    <message>
        <source>Adding the user</source>
        <translation>Добавление пользователя</translation>
    </message>
    <message>
        <source>User %1 added as %2</source>
        <translation>Пользователь %1 добавлен с ролью «%2»</translation>
    </message>
    <message>
        <source>Changing the role of %1</source>
        <translation>Изменение роли %1</translation>
    </message>
    <message>
        <source>%1 is now %2</source>
        <translation>Новая роль %1: %2</translation>
    </message>
    <message>
        <source>Disabling %1</source>
        <translation>Отключение %1</translation>
    </message>
    <message>
        <source>Enabling %1</source>
        <translation>Включение %1</translation>
    </message>
    <message>
        <source>%1 can no longer sign in</source>
        <translation>%1 больше не может войти</translation>
    </message>
    <message>
        <source>%1 can sign in again</source>
        <translation>%1 снова может войти</translation>
    </message>
    <message>
        <source>Setting the password of %1</source>
        <translation>Смена пароля %1</translation>
    </message>
    <message>
        <source>%1 has a new password</source>
        <translation>Пароль %1 изменён</translation>
    </message>
</context>
<context>
    <name>vestnik::VersionHistoryPanel</name>
    <message>
        <source>Choose a version to see what it changed, or two versions to compare them.</source>
        <translation>Выберите версию, чтобы увидеть её изменения, или две версии, чтобы сравнить их.</translation>
    </message>
    <message>
        <source>Version %1 — %2, %3</source>
        <translation>Версия %1 — %2, %3</translation>
    </message>
    <message>
        <source>Loading version %1</source>
        <translation>Загрузка версии %1</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Загрузка…</translation>
    </message>
    <message>
        <source>Version %1 → version %2</source>
        <translation>Версия %1 → версия %2</translation>
    </message>
    <message>
        <source>Version %1 (the first)</source>
        <translation>Версия %1 (первая)</translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) added</source>
        <translation>
            <numerusform>добавлена %n строка</numerusform>
            <numerusform>добавлено %n строки</numerusform>
            <numerusform>добавлено %n строк</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) removed</source>
        <translation>
            <numerusform>удалена %n строка</numerusform>
            <numerusform>удалено %n строки</numerusform>
            <numerusform>удалено %n строк</numerusform>
        </translation>
    </message>
</context>
</TS>
