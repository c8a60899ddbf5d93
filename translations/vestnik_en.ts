<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US">
<context>
    <name>vestnik</name>
    <message>
        <location filename="../console/ConsoleMain.cpp" line="22"/>
        <source>Vestnik console: design push templates, target segments, launch campaigns, read results.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/ConsoleMain.cpp" line="27"/>
        <source>User interface language (ru, en); default: the system&apos;s.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>vestnik::MainWindow</name>
    <message>
        <location filename="../console/MainWindow.cpp" line="13"/>
        <source>Vestnik Console</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/MainWindow.cpp" line="25"/>
        <source>Push notifications for your shop: templates, campaigns, analytics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/MainWindow.cpp" line="34"/>
        <source>Not connected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <location filename="../console/MainWindow.cpp" line="38"/>
        <source>Vestnik %1 ready</source>
        <translation type="unfinished"></translation>
    </message>
</context>
</TS>
