# Precompiled headers: the Qt and standard headers most of the project includes, compiled once per build and
# reused by every target (about half of a translation unit's compile time is parsing them). One donor target
# compiles them and every other target of the project takes them with REUSE_FROM. GCC checks that the macros the
# headers look at are defined alike (-Winvalid-pch says when not): QtTest's headers are left out because they look
# at QT_TESTCASE_BUILDDIR, which differs per test. GCC only (clang's fuzzing build compiles without them).
option(VESTNIK_PRECOMPILED_HEADERS "Precompile the common Qt and standard headers (GCC)" ON)

set(vestnik_pch_headers
    <QByteArray> <QDateTime> <QDir> <QFile> <QHash> <QJsonArray> <QJsonDocument> <QJsonObject> <QList>
    <QNetworkAccessManager> <QNetworkReply> <QObject> <QRegularExpression> <QSqlDatabase> <QSqlQuery>
    <QSslCertificate> <QString> <QStringList> <QTimer> <QUrl> <QVariant>
    <algorithm> <chrono> <functional> <memory> <optional> <string> <vector>)

# The targets defined in `dir` and below it.
function(vestnik_targets_below out dir)
    get_property(targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
    get_property(subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
    foreach(sub IN LISTS subdirs)
        vestnik_targets_below(below ${sub})
        list(APPEND targets ${below})
    endforeach()
    set(${out} ${targets} PARENT_SCOPE)
endfunction()

# Gives every C++ target of the project below the top directory the precompiled headers. Called once, after all
# targets are defined. Targets that Qt's CMake functions generate (resources, translations) keep their own flags.
function(vestnik_precompile_headers)
    if(NOT VESTNIK_PRECOMPILED_HEADERS OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU" OR ENABLE_FUZZING)
        return()
    endif()
    set(donor_source ${CMAKE_BINARY_DIR}/vestnik_pch.cpp)
    file(CONFIGURE OUTPUT ${donor_source} CONTENT "// The translation unit the precompiled headers are made for.\n")
    add_library(vestnik_pch STATIC ${donor_source})
    target_link_libraries(vestnik_pch PRIVATE Vestnik::policy Qt6::Core Qt6::Network Qt6::Sql)
    target_precompile_headers(vestnik_pch PRIVATE ${vestnik_pch_headers})
    vestnik_targets_below(targets ${PROJECT_SOURCE_DIR})
    set(taken 0)
    foreach(target IN LISTS targets)
        get_target_property(type ${target} TYPE)
        if(NOT type MATCHES "^(EXECUTABLE|STATIC_LIBRARY|SHARED_LIBRARY|OBJECT_LIBRARY)$"
           OR target MATCHES "^vestnik_pch")
            continue()
        endif()
        get_target_property(links ${target} LINK_LIBRARIES)
        if(NOT links MATCHES "(^|;)(Vestnik::|vestnik_)")
            continue()
        endif()
        target_precompile_headers(${target} REUSE_FROM vestnik_pch)
        math(EXPR taken "${taken} + 1")
    endforeach()
    message(STATUS "Precompiled headers: ${taken} targets")
endfunction()
