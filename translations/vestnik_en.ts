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
    <name>vestnik::AuditLogPage</name>
    <message>
        <source>Audit log</source>
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
</context>
<context>
    <name>vestnik::SettingsPage</name>
    <message>
        <source>Settings</source>
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
        <source>The login or password is wrong, or the account is disabled.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::TemplatesPage</name>
    <message>
        <source>Templates</source>
        <translation type="unfinished"></translation>
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
</TS>
