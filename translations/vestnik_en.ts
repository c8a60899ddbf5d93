<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>ErrorText</name>
    <message>
        <source>The server cannot be reached. Check that the worker is running and that the address is right, then try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server did not answer in time. Try again; if it keeps happening, the worker may be overloaded.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server&apos;s certificate is not trusted (SHA-256 %1). Compare it with the fingerprint the worker printed at start and sign in again to trust it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your session has ended. Sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your role does not allow this. Ask an administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It no longer exists on the server; someone may have deleted it. Refresh the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It clashes with the current state: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The server refused it: %1. Correct it and try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Too many requests. Try again in %n second(s).</source>
        <translation>
            <numerusform>Too many requests. Try again in %n second.</numerusform>
            <numerusform>Too many requests. Try again in %n seconds.</numerusform>
        </translation>
    </message>
    <message>
        <source>The server failed. Its log has the details under request %1.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(unknown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It was cancelled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 failed. %2</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusNames</name>
    <message>
        <source>queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sending</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>retry scheduled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>clicked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>converted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>invalid token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dismissed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unregistered by the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no reason recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the provider refused the token (%1)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik</name>
    <message>
        <source>Vestnik console: design push templates and trigger rules, look up devices, watch deliveries.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User interface language (ru, en); default: the one chosen in the console, else the system&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The worker&apos;s URL, e.g. https://127.0.0.1:8780.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The login to fill in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trust the CA certificates (PEM) in this file, e.g. the worker&apos;s api-cert.pem.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep the console&apos;s settings in this INI file instead of the user&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start even when the console is running already.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::AppDialog</name>
    <message>
        <source>New app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit app %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. shop-android</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>1 to 64 characters: latin letters, digits, &apos;.&apos;, &apos;_&apos; and &apos;-&apos;. It cannot be changed later: devices and rules name the app by it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Id:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An app id is 1 to 64 latin letters, digits, &apos;.&apos;, &apos;_&apos; or &apos;-&apos;, starting with a letter or a digit.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the app a name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::AppsTab</name>
    <message>
        <source>not set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>stored but unreadable: upload it again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>project %1, %2, set %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sandbox</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>production</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2), certificate, set %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2), team %3, key %4, set %5</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FCM (Android)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>APNs (iOS)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New app…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Rename…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Upload credential…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apps</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the apps</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n app(s)</source>
        <translation>
            <numerusform>%n app</numerusform>
            <numerusform>%n apps</numerusform>
        </translation>
    </message>
    <message>
        <source>An app %1 exists already; choose it in the list to rename it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Creating the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App %1 created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Renaming the app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App %1 saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Uploading the credential</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The FCM credential of %1 is saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The APNs credential of %1 is saved</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::AuditLogPage</name>
    <message>
        <source>Audit log</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (service)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the worker</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>anyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A login or an API client id, exactly</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>anything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Who:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ta&amp;rget:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Older entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the audit log</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n entry(ies)</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n newest entry(ies); more are older</source>
        <translation>
            <numerusform>%n newest entry; more are older</numerusform>
            <numerusform>%n newest entries; more are older</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vestnik::ClientDialog</name>
    <message>
        <source>send events that trigger pushes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>register devices and users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>read devices and users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>report deliveries and opens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New API client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. the shop&apos;s backend</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scopes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the client a name that says which service uses it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose at least one scope.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::ClientSecretDialog</name>
    <message>
        <source>Secret of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Copy the secret now.&lt;/b&gt; It is shown only this once: the worker keeps just a hash of it and cannot show it again. If it is lost, create a new client.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy secret</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client id:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Client secret:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copied</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::ClientsTab</name>
    <message>
        <source>Client id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Scopes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New API client…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API clients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the API clients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n API client(s)</source>
        <translation>
            <numerusform>%n API client</numerusform>
            <numerusform>%n API clients</numerusform>
        </translation>
    </message>
    <message>
        <source>Creating the API client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>API client %1 created</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::CredentialDialog</name>
    <message>
        <source>Provider credential of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>FCM: service-account JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>APNs: .p8 token key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. com.example.shop</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Production</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sandbox (development builds)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Key id:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Team id:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>B&amp;undle id:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Environment:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file is sent to the worker once and stored sealed. Neither the console nor the worker ever shows it again; upload it anew to replace it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Provider:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the .p8 key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the service-account file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>APNs keys (*.p8)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON files (*.json)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the file to upload.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is too large for a credential file.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is not a service-account JSON file (%2). Download the key file again from the Firebase console: Project settings, Service accounts, Generate new private key.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not a JSON object</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::DashboardPage</name>
    <message>
        <source>All pushes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last hour</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 6 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clicked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Converted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Queued</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per minute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>delivered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>clicked</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed: invalid token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed: permanent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>failed: credentials</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delivery funnel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pushes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>converted</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dashboard</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Template: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trigger rule: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the statistics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>updated %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delivered: %1 of sent · opened: %2 of delivered · clicked: %3 of opened · converted: %4 of clicked</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::DevicesPage</name>
    <message>
        <source>User id, e.g. u-1001</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Look up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attribute</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>App</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Locale</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fingerprint</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Registered</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attempts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Error</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notification id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Attributes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent deliveries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter a user id.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No user %1 is known to the worker.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Looking up the user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the devices</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the deliveries</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User %1 · language %2 · time zone %3 · since %4</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>not set</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>yes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>deactivated %1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n device(s), %1 active</source>
        <translation>
            <numerusform>%n device, %1 active</numerusform>
            <numerusform>%n devices, %1 active</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 v%2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the status trail</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::InterfaceTab</name>
    <message>
        <source>System language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>These choices are kept on this computer for you; they do not change the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Theme:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Interface</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::LocaleEditor</name>
    <message>
        <source>{{name}}, your cart is waiting</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The notification&apos;s text; {{ opens a variable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>shop://cart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Label</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opens (deep link)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Body:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Image URL:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Deep link:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Buttons:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Data fields:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::MainWindow</name>
    <message>
        <source>Connecting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server unreachable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>marketer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>analyst</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Vestnik Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Dismiss</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your session has ended. Sign in again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Shift+L</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Go</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;System language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Vestnik</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Vestnik</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;Vestnik %1&lt;/b&gt;&lt;br&gt;Self-hosted push notifications: templates, triggers, campaigns and their results.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The worker answers again.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::NotificationMockup</name>
    <message>
        <source>Your app</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>image</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::PasswordDialog</name>
    <message>
        <source>New password for %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New &amp;password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;peat it:</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::PlatformOptionsEditor</name>
    <message>
        <source>as the template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>4 weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to live, s:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the notification id</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Collapse key:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sound:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Badge:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thread id:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delivery: all platforms</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Android</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iOS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>High: show at once</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Normal: may wait to save battery</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::PreviewPanel</name>
    <message>
        <source>user id, e.g. u-anna</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample &amp;user:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Android</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>iOS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payload size:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Payloads as the providers receive them:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The preview appears as you type.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 %2/%3 B</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>JSON, e.g. {&quot;название_товара&quot;: &quot;Кофеварка&quot;, &quot;count&quot;: 3}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Values a send would carry (an event&apos;s data, a campaign&apos;s variables); they win over the sample user&apos;s attributes of the same name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sample &amp;variables:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sample variables are not valid JSON (%1 at character %2).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The sample variables must be a JSON object: {&quot;name&quot;: value, …}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::SettingsPage</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::SettingsTab</name>
    <message>
        <source>%1 failed: this worker does not offer it (%2). It may be older than the console; update it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::SignInPage</name>
    <message>
        <source>Sign in to Vestnik</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Server:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Trust this certificate and sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign &amp;in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the worker&apos;s address, for example https://127.0.0.1:8780.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter your login and password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;The server&apos;s certificate has changed&lt;/b&gt; since you trusted it. Trust the new one only if its administrator replaced it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b&gt;First contact with this server.&lt;/b&gt; No certificate authority vouches for its certificate. Compare this fingerprint with the one the worker printed at start:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The login or password is wrong, or the account is disabled or locked for now after failed attempts.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::TemplateEditor</name>
    <message>
        <source>cart-abandoned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Abandoned cart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. de, kk, en-GB</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;language</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Template &amp;id:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (default)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A language is a code such as de, kk or en-GB.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is there already.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::TemplatesPage</name>
    <message>
        <source>Templates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save as a new version (%1)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send &amp;test to user…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>History</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search templates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the templates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 (v%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the known user attributes and event fields</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opening template %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New template, not saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The preview appears as you type.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The new template is not saved. Discard it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The changes to “%1” are not saved. Discard them?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version %1, changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The template does not compile.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no user “%1”: choose another sample user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No such sample user.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The template is not valid.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No preview: %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the template an id first: deliveries and trigger rules name it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving template %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nothing changed: version %1 of “%2” stays the latest.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Template “%1” saved as version %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the template first: a test sends the saved version.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Archive…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove the template from the list; its versions stay for the deliveries that name them, and saving it again continues its numbering.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No preview until the sample variables are a JSON object.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Archive template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Archive template “%1”? It leaves the list; deliveries keep naming its versions, and saving a template with this id again brings it back as version %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Archive</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>“%1” is not archived: a trigger rule sends it. Point the rule at another template or delete the rule first. (%2)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Archiving template %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Template “%1” archived.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::TestSendDialog</name>
    <message>
        <source>Accepted by the provider</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Invalid token: the device was deactivated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Will be retried</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not sent</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send a test of “%1”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sends version %1 (the latest saved; unsaved edits are not sent) to every active device of the user, now, through the real providers.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>user id, e.g. u-anna</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Send</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Device</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Platform</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Outcome</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the id of the user to send to.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending to %1…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sending the test</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The user has no active device: nothing was sent.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version %1: %2, %3, %4.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n sent</source>
        <translation>
            <numerusform>%n sent</numerusform>
            <numerusform>%n sent</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n failed</source>
        <translation>
            <numerusform>%n failed</numerusform>
            <numerusform>%n failed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n invalid token(s)</source>
        <translation>
            <numerusform>%n invalid token</numerusform>
            <numerusform>%n invalid tokens</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>vestnik::TriggerRuleDialog</name>
    <message>
        <source>Trigger rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every app of the user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every event of this type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When a field…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Condition as JSON</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>field, e.g. сумма or товар.цена</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>equals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>differs from</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>greater than</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at least</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>less than</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>at most</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>is one of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>contains</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>exists</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>value; a number, true/false, [&quot;a&quot;,&quot;b&quot;] or text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours, in the user&apos;s time zone:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no cap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> h</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>pushes per user within</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Event type:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Template:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;App:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Condition:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frequency cap:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name the event field the condition tests.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The condition is not a JSON object: %1 at character %2.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A rule needs a name, an event type and a template.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours must end at another time than they start.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::TriggersPage</name>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Event type</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Template</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Condition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Frequency cap</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New rule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Triggers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the trigger rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every event</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n push(es) per %1 h</source>
        <translation>
            <numerusform>%n push per %1 h</numerusform>
            <numerusform>%n pushes per %1 h</numerusform>
        </translation>
    </message>
    <message>
        <source>on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The worker refused the rule.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trigger rule “%1” saved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enabling the rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disabling the rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule enabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete the rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete this trigger rule? Events of its type will no longer send its template.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleting the rule</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::UserDialog</name>
    <message numerus="yes">
        <source>A password needs at least %n character(s).</source>
        <translation>
            <numerusform>A password needs at least %n character.</numerusform>
            <numerusform>A password needs at least %n characters.</numerusform>
        </translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administrator</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marketer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Analyst</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New console user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Administrators manage apps, users and API clients; marketers edit templates and trigger rules; analysts only read.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Login:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Initial &amp;password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;peat it:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enter the login.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::UsersTab</name>
    <message>
        <source>Login</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Created</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;New user…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set &amp;role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Disable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New &amp;password…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Console users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading the console users</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>disabled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>active</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n user</numerusform>
            <numerusform>%n users</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Enable</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You cannot change your own role or disable yourself; ask another administrator.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Adding the user</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User %1 added as %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changing the role of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 is now %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Disabling %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Enabling %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 can no longer sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 can sign in again</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting the password of %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>%1 has a new password</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::VersionHistoryPanel</name>
    <message>
        <source>Choose a version to see what it changed, or two versions to compare them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version %1 — %2, %3</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading version %1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version %1 → version %2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version %1 (the first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) added</source>
        <translation>
            <numerusform>%n line added</numerusform>
            <numerusform>%n lines added</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n line(s) removed</source>
        <translation>
            <numerusform>%n line removed</numerusform>
            <numerusform>%n lines removed</numerusform>
        </translation>
    </message>
</context>
</TS>
