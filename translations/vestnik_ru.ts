<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="ru_RU">
<context>
    <name>vestnik</name>
    <message>
        <location filename="../console/ConsoleMain.cpp" line="22"/>
        <source>Vestnik console: design push templates, target segments, launch campaigns, read results.</source>
        <translation>Консоль Вестника: шаблоны push-уведомлений, сегменты, кампании, результаты.</translation>
    </message>
    <message>
        <location filename="../console/ConsoleMain.cpp" line="27"/>
        <source>User interface language (ru, en); default: the system&apos;s.</source>
        <translation>Язык интерфейса (ru, en); по умолчанию — системный.</translation>
    </message>
</context>
<context>
    <name>vestnik::MainWindow</name>
    <message>
        <location filename="../console/MainWindow.cpp" line="13"/>
        <source>Vestnik Console</source>
        <translation>Консоль Вестника</translation>
    </message>
    <message>
        <location filename="../console/MainWindow.cpp" line="25"/>
        <source>Push notifications for your shop: templates, campaigns, analytics</source>
        <translation>Push-уведомления для вашего магазина: шаблоны, кампании, аналитика</translation>
    </message>
    <message>
        <location filename="../console/MainWindow.cpp" line="34"/>
        <source>Not connected</source>
        <translation>Нет подключения</translation>
    </message>
    <message>
        <location filename="../console/MainWindow.cpp" line="38"/>
        <source>Vestnik %1 ready</source>
        <translation>Вестник %1 готов</translation>
    </message>
</context>
</TS>
