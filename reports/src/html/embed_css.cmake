# Writes OUTPUT, a C++ source holding INPUT (report.css, the HTML report's style sheet) as the raw
# string catena::html::kReportCss, which page.cpp puts in the page's <style> element. The root
# CMakeLists.txt runs this at build time whenever report.css (or this script) changes, so the
# report reads no file when it runs.
#   cmake -DINPUT=report.css -DOUTPUT=report_css.cpp -P embed_css.cmake
if(NOT INPUT OR NOT OUTPUT)
    message(FATAL_ERROR "usage: cmake -DINPUT=report.css -DOUTPUT=report_css.cpp -P embed_css.cmake")
endif()
file(READ "${INPUT}" css)
string(FIND "${css}" ")css\"" clash)
if(NOT clash EQUAL -1)
    message(FATAL_ERROR "${INPUT} holds )css\", which would end the raw string it is embedded in")
endif()
# The style sheet starts on the line after <style>, as the page has always written it.
file(WRITE "${OUTPUT}" "// Generated from reports/src/html/report.css by embed_css.cmake: edit the .css.
namespace catena::html {
extern const char* const kReportCss;
const char* const kReportCss = R\"css(
${css})css\";
}  // namespace catena::html
")
