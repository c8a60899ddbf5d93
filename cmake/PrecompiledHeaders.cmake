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

# Under the sanitizers (ENABLE_SANITIZERS) the code of the tests and benchmarks is compiled without optimisation:
# instrumented at -O1, QTest's macro-heavy test functions took about twice as long to compile as at -O0 (EventTest:
# 31.5 s against 17.0 s, without precompiled headers), and they make up most of the build, while the code under
# test (the libraries and programs) keeps -O1. The sanitizers instrument both.
function(vestnik_test_code_options targets)
    if(ENABLE_SANITIZERS AND CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
        foreach(target IN LISTS targets)
            target_compile_options(${target} PRIVATE -O0)
        endforeach()
    endif()
endfunction()

# The project's C++ targets in `dirs` that link the compile policy.
function(vestnik_project_targets out)
    set(found)
    get_property(added DIRECTORY ${PROJECT_SOURCE_DIR} PROPERTY SUBDIRECTORIES)
    foreach(dir IN LISTS ARGN)
        if(NOT dir STREQUAL PROJECT_SOURCE_DIR AND NOT dir IN_LIST added)
            continue()
        endif()
        vestnik_targets_below(targets ${dir})
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
            list(APPEND found ${target})
        endforeach()
    endforeach()
    set(${out} ${found} PARENT_SCOPE)
endfunction()

# A donor target that precompiles the common headers; its compile options are those of the targets that reuse it.
function(vestnik_pch_donor name)
    set(donor_source ${CMAKE_BINARY_DIR}/${name}.cpp)
    file(CONFIGURE OUTPUT ${donor_source} CONTENT "// The translation unit the precompiled headers are made for.\n")
    add_library(${name} STATIC ${donor_source})
    target_link_libraries(${name} PRIVATE Vestnik::policy Qt6::Core Qt6::Network Qt6::Sql)
    target_precompile_headers(${name} PRIVATE ${vestnik_pch_headers})
endfunction()

# Gives every C++ target of the project the precompiled headers and the test code its options. Called once, after
# all targets are defined. Targets that Qt's CMake functions generate (resources, translations) keep their own
# flags. The tests' and benchmarks' code takes its headers from a donor compiled with the same options as they are
# (GCC refuses a header precompiled with another optimisation level).
function(vestnik_precompile_headers)
    vestnik_project_targets(test_code ${PROJECT_SOURCE_DIR}/tests ${PROJECT_SOURCE_DIR}/bench)
    vestnik_test_code_options("${test_code}")
    if(NOT VESTNIK_PRECOMPILED_HEADERS OR NOT CMAKE_CXX_COMPILER_ID STREQUAL "GNU" OR ENABLE_FUZZING)
        return()
    endif()
    vestnik_project_targets(targets ${PROJECT_SOURCE_DIR})
    vestnik_pch_donor(vestnik_pch)
    set(test_donor vestnik_pch)
    if(ENABLE_SANITIZERS AND test_code)
        vestnik_pch_donor(vestnik_pch_test_code)
        vestnik_test_code_options(vestnik_pch_test_code)
        set(test_donor vestnik_pch_test_code)
    endif()
    foreach(target IN LISTS targets)
        if(target IN_LIST test_code)
            target_precompile_headers(${target} REUSE_FROM ${test_donor})
        else()
            target_precompile_headers(${target} REUSE_FROM vestnik_pch)
        endif()
    endforeach()
    list(LENGTH targets taken)
    message(STATUS "Precompiled headers: ${taken} targets")
endfunction()
