// The HTML report in a real browser: Debian's headless Chromium opens the rendered fixture from a
// file, takes a screenshot and dumps the DOM after layout, and every chart must have drawn marks
// of real size. "No network request" is checked by pointing Chromium's proxy at a listener of the
// test's own on 127.0.0.1 (loopback included, so nothing bypasses it): every request the page
// makes, whatever its host, arrives there. A negative control shows the check works: a page with
// one remote image makes the listener see that request.
//
// Chromium itself calls a few Google services at start-up (component updates, network time,
// account checks) even with every background-networking switch off; those requests come from
// the browser, not the page, and are told apart by their exact host (kBrowserHosts). A page
// loading anything from another host, or from those hosts' neighbours (fonts.googleapis.com,
// www.gstatic.com ...), fails the test.
//
// Chromium is required, not optional: scripts/install-deps installs it, and CI runs this test.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "catena/reports/html_report.hpp"

#include "test_util.hpp"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

using namespace catena;

namespace {

// Hosts Chromium 156 contacts on its own at start-up whatever the page is (observed on Debian 12).
const char* const kBrowserHosts[] = {"update.googleapis.com", "clients2.google.com",
                                     "accounts.google.com"};

// A TCP listener on a free loopback port that records the first line of every connection (the
// proxy request: "GET http://host/path HTTP/1.1" or "CONNECT host:443 HTTP/1.1") and closes it.
class RequestTrap {
  public:
    RequestTrap() {
        socket_ = ::socket(AF_INET, SOCK_STREAM, 0);
        REQUIRE(socket_ >= 0);
        sockaddr_in address{};
        address.sin_family = AF_INET;
        address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        address.sin_port = 0;  // any free port
        REQUIRE(::bind(socket_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
        REQUIRE(::listen(socket_, 64) == 0);
        socklen_t length = sizeof address;
        REQUIRE(::getsockname(socket_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
        port_ = ntohs(address.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~RequestTrap() {
        stop();
        ::close(socket_);
    }
    RequestTrap(const RequestTrap&) = delete;
    RequestTrap& operator=(const RequestTrap&) = delete;

    int port() const { return port_; }

    // Stops listening once no connection is waiting; returns every request line seen.
    const std::vector<std::string>& stop() {
        if (thread_.joinable()) {
            stopping_ = true;
            thread_.join();
        }
        return requests_;
    }

  private:
    void serve() {
        for (;;) {
            pollfd ready{socket_, POLLIN, 0};
            if (::poll(&ready, 1, 50) > 0) {
                const int client = ::accept(socket_, nullptr, nullptr);
                if (client >= 0) {
                    requests_.push_back(first_line(client));
                    ::close(client);
                }
                continue;
            }
            if (stopping_) return;
        }
    }

    static std::string first_line(int client) {
        std::string line;
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
        char buffer[512];
        while (line.find("\r\n") == std::string::npos && line.size() < 2048 &&
               std::chrono::steady_clock::now() < deadline) {
            pollfd ready{client, POLLIN, 0};
            if (::poll(&ready, 1, 100) <= 0) continue;
            const ssize_t got = ::recv(client, buffer, sizeof buffer, 0);
            if (got <= 0) break;
            line.append(buffer, static_cast<std::size_t>(got));
        }
        const std::size_t end = line.find("\r\n");
        return end == std::string::npos ? "(a connection that sent no request line)"
                                        : line.substr(0, end);
    }

    int socket_ = -1;
    int port_ = 0;
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::vector<std::string> requests_;
};

// "CONNECT host:443 HTTP/1.1" or "GET http://host:80/path HTTP/1.1" -> "host".
std::string request_host(const std::string& line) {
    const std::size_t space = line.find(' ');
    if (space == std::string::npos) return "";
    std::string target = line.substr(space + 1, line.find(' ', space + 1) - space - 1);
    const std::size_t scheme = target.find("://");
    if (scheme != std::string::npos) target = target.substr(scheme + 3);
    target = target.substr(0, target.find('/'));
    return target.substr(
        0, target.rfind(':') == std::string::npos ? target.size() : target.rfind(':'));
}

// The requests that were not Chromium's own start-up traffic.
std::vector<std::string> page_requests(const std::vector<std::string>& requests) {
    std::vector<std::string> out;
    for (const std::string& request : requests) {
        const std::string host = request_host(request);
        bool browser = false;
        for (const char* known : kBrowserHosts) browser = browser || host == known;
        if (!browser) out.push_back(request);
    }
    return out;
}

std::string chromium_binary() {
    const char* path = std::getenv("PATH");
    std::stringstream folders(path ? path : "/usr/bin:/bin");
    std::string folder;
    while (std::getline(folders, folder, ':')) {
        const std::filesystem::path candidate = std::filesystem::path(folder) / "chromium";
        if (::access(candidate.c_str(), X_OK) == 0) return candidate.string();
    }
    return "";
}

struct BrowserRun {
    int exit_code = -1;
    std::string out, err;
    std::vector<std::string> requests;  // every request the proxy listener saw
    double seconds = 0;
};

// Runs headless Chromium on `page` with `mode` ("--screenshot=FILE" or "--dump-dom"), its proxy
// pointed at a fresh listener, in at most 60 seconds.
BrowserRun run_chromium(const test::ScratchDir& scratch, const std::filesystem::path& page,
                        const std::string& mode, const std::string& headless = "--headless=new") {
    const std::string binary = chromium_binary();
    if (binary.empty())
        FAIL(
            "chromium is not installed. Run scripts/install-deps (as root), which installs "
            "Debian's chromium "
            "package, then run the tests again.");
    static int runs = 0;
    const std::string name = "chromium-" + std::to_string(++runs);
    RequestTrap trap;
    const std::string command =
        "timeout 60 '" + binary + "' " + headless +
        " --no-sandbox --disable-gpu --hide-scrollbars --window-size=1280,2000"
        " --user-data-dir='" +
        (scratch / (name + "-profile")).string() +
        "'"
        " --proxy-server=127.0.0.1:" +
        std::to_string(trap.port()) +
        " --proxy-bypass-list='<-loopback>'"
        " --disable-background-networking --no-first-run --disable-component-update --disable-sync"
        " --disable-default-apps --no-default-browser-check --disable-extensions --disable-breakpad"
        " --disable-features=NetworkTimeServiceQuerying,OptimizationHints,MediaRouter,Translate"
        " " +
        mode + " 'file://" + page.string() +
        "'"
        " >'" +
        (scratch / (name + ".out")).string() + "' 2>'" + (scratch / (name + ".err")).string() + "'";
    const auto start = std::chrono::steady_clock::now();
    const int status = std::system(command.c_str());
    BrowserRun run;
    run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = test::read_file(scratch / (name + ".out"));
    run.err = test::read_file(scratch / (name + ".err"));
    run.requests = trap.stop();
    return run;
}

// Screenshot with --headless=new, or plain --headless on a Chromium too old for "=new".
BrowserRun screenshot(const test::ScratchDir& scratch, const std::filesystem::path& page,
                      const std::filesystem::path& png) {
    BrowserRun run = run_chromium(scratch, page, "--screenshot='" + png.string() + "'");
    if (!std::filesystem::exists(png))
        run = run_chromium(scratch, page, "--screenshot='" + png.string() + "'", "--headless");
    return run;
}

struct Png {
    std::uint32_t width = 0, height = 0;
    std::uintmax_t bytes = 0, image_data = 0;  // file size, total size of the IDAT chunks
};

// Reads a PNG's header and chunk list (no decoding); width 0 when it is not a PNG.
Png read_png(const std::filesystem::path& path) {
    const std::string data = test::read_file(path);
    Png png;
    png.bytes = data.size();
    if (data.size() < 33 || data.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return png;
    const auto be32 = [&](std::size_t at) {
        return static_cast<std::uint32_t>(static_cast<unsigned char>(data[at])) << 24 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + 1])) << 16 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + 2])) << 8 |
               static_cast<std::uint32_t>(static_cast<unsigned char>(data[at + 3]));
    };
    if (data.compare(12, 4, "IHDR") != 0) return png;
    png.width = be32(16);
    png.height = be32(20);
    for (std::size_t at = 8; at + 8 <= data.size();) {
        const std::uint32_t length = be32(at);
        if (data.compare(at + 4, 4, "IDAT") == 0) png.image_data += length;
        at += 12 + static_cast<std::size_t>(length);
    }
    return png;
}

// Measures every chart after layout and writes the result into the DOM, for --dump-dom: one line
// per chart "id width height marks marks-with-area". Added to a copy of the report only.
constexpr const char* kProbe = R"js(<script>
(() => {
  const lines = [];
  for (const svg of document.querySelectorAll('svg.chart')) {
    const box = svg.getBoundingClientRect();
    const marks = svg.querySelectorAll('.bar, .point, .line, .marker');
    let drawn = 0;
    for (const mark of marks) {
      const b = mark.getBBox();
      if (b.width > 0 || b.height > 0) drawn++;
    }
    lines.push([svg.id, Math.round(box.width), Math.round(box.height), marks.length, drawn].join(' '));
  }
  const pre = document.createElement('pre');
  pre.id = 'probe';
  pre.textContent = lines.join('\n');
  document.body.appendChild(pre);
})();
</script>)js";

struct ChartLayout {
    int width = 0, height = 0, marks = 0, drawn = 0;
};

std::map<std::string, ChartLayout> probe_results(const std::string& dom) {
    std::map<std::string, ChartLayout> out;
    const std::size_t start = dom.find("<pre id=\"probe\">");
    if (start == std::string::npos) return out;
    const std::size_t end = dom.find("</pre>", start);
    std::istringstream lines(dom.substr(start + 16, end - start - 16));
    std::string id;
    ChartLayout layout;
    while (lines >> id >> layout.width >> layout.height >> layout.marks >> layout.drawn)
        out[id] = layout;
    return out;
}

std::string fixture_html() {
    return render_html_report(test::read_file(test::data_dir() / "report" / "summary.json"));
}

}  // namespace

TEST_CASE("Chromium renders the report with every chart drawn and no network request",
          "[report][chromium]") {
    test::ScratchDir scratch;
    const std::filesystem::path page = scratch / "report.html";
    const std::string html = fixture_html();
    test::write_file(page, html);

    // The screenshot: a real picture of the page at a laptop width, not a blank one.
    const std::filesystem::path png = scratch / "report.png";
    const BrowserRun shot = screenshot(scratch, page, png);
    INFO("chromium exit " << shot.exit_code << " in " << shot.seconds << " s; stderr:\n"
                          << shot.err.substr(0, 3000));
    REQUIRE(shot.exit_code == 0);
    REQUIRE(std::filesystem::exists(png));
    const Png picture = read_png(png);
    CHECK(picture.width == 1280);
    CHECK(picture.height == 2000);
    // A one-colour 1280 x 2000 screenshot compresses to a few KB (the control below measures one);
    // the report's text, tables and charts take far more.
    CHECK(picture.image_data > 100 * 1024);
    if (const char* keep = std::getenv("CATENA_REPORT_SCREENSHOT"))  // e.g. for a CI artifact
        std::filesystem::copy_file(png, keep, std::filesystem::copy_options::overwrite_existing);

    // The DOM after layout: every chart is there, has a size and has drawn every mark.
    const std::filesystem::path probed = scratch / "probed.html";
    std::string with_probe = html;
    with_probe.insert(with_probe.rfind("</body>"), kProbe);
    test::write_file(probed, with_probe);
    const BrowserRun dump = run_chromium(scratch, probed, "--dump-dom");
    INFO("chromium --dump-dom exit " << dump.exit_code << " in " << dump.seconds << " s");
    REQUIRE(dump.exit_code == 0);
    const std::map<std::string, ChartLayout> charts = probe_results(dump.out);
    const std::map<std::string, int> expected_marks = {{"chart-influencers", 20},
                                                       {"chart-quadrants", 60},
                                                       {"chart-communities", 24},
                                                       {"chart-spread", 5 + 50},
                                                       {"chart-depths", 6}};
    CHECK(charts.size() == expected_marks.size());
    for (const auto& [id, marks] : expected_marks) {
        INFO(id);
        REQUIRE(charts.count(id) == 1);
        const ChartLayout& layout = charts.at(id);
        CHECK(layout.width >= 300);
        CHECK(layout.height >= 200);
        CHECK(layout.marks == marks);
        CHECK(layout.drawn == marks);  // every bar, point, line and marker has an area on screen
        CHECK(dump.out.find("id=\"" + id + "\"") != std::string::npos);
    }

    // No request from the page in either run.
    for (const BrowserRun* run : {&shot, &dump}) {
        std::string seen;
        for (const std::string& request : run->requests) seen += "  " + request + "\n";
        INFO("the proxy saw:\n" << seen);
        CHECK(page_requests(run->requests).empty());
    }
}

TEST_CASE("The network check sees a page that loads a remote image", "[report][chromium]") {
    // The negative control of the test above: the same browser and proxy settings, a page that
    // does load something. Its screenshot also calibrates "not blank": a near-empty page is small.
    test::ScratchDir scratch;
    const std::filesystem::path page = scratch / "remote.html";
    test::write_file(
        page,
        "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>control</title></head><body>"
        "<p>x</p><img src=\"http://example.invalid/x.png\" alt=\"\"></body></html>\n");
    const std::filesystem::path png = scratch / "remote.png";
    const BrowserRun shot = screenshot(scratch, page, png);
    INFO("chromium exit " << shot.exit_code << "; stderr:\n" << shot.err.substr(0, 3000));
    REQUIRE(shot.exit_code == 0);
    const std::vector<std::string> requests = page_requests(shot.requests);
    std::string seen;
    for (const std::string& request : shot.requests) seen += "  " + request + "\n";
    INFO("the proxy saw:\n" << seen);
    REQUIRE(requests.size() >= 1);
    CHECK(request_host(requests.front()) == "example.invalid");
    const Png picture = read_png(png);
    CHECK(picture.width == 1280);
    CHECK(picture.image_data < 40 * 1024);
}

namespace {

// Follows the first customer link of the Top influencers table the way a reader clicks it, then
// writes into the DOM how many cards were shown before, and the followed card's display and
// height after. Added to a copy of the report only (the report itself has no script).
constexpr const char* kFollowLink = R"js(<script>
(() => {
  const shown = () => [...document.querySelectorAll('.customer-card')]
      .filter(card => getComputedStyle(card).display !== 'none').length;
  const before = shown();
  const link = document.querySelector('#influencers a.card-link');
  const pre = document.createElement('pre');
  pre.id = 'follow';
  document.body.appendChild(pre);
  if (!link) { pre.textContent = 'no-link'; return; }
  const target = link.getAttribute('href').slice(1);
  link.click();
  setTimeout(() => {
    const card = document.getElementById(target);
    const box = card ? card.getBoundingClientRect() : {height: 0};
    pre.textContent = [target, before, card ? getComputedStyle(card).display : 'missing',
                       Math.round(box.height), shown(), location.hash].join(' ');
  }, 50);
})();
</script>)js";

}  // namespace

TEST_CASE("Chromium follows a drill-down link to a customer card, with no network request",
          "[report][chromium]") {
    test::ScratchDir scratch;
    const auto run = test::run_catena("report --data samples/crm --quiet --out '" +
                                      (scratch / "report").string() + "'");
    INFO(run.err);
    REQUIRE(run.exit_code == 0);
    const std::string html = test::read_file(scratch / "report" / "report.html");
    REQUIRE(html.find("class=\"customer-card\"") != std::string::npos);
    REQUIRE(html.find("<script") == std::string::npos);  // the report follows links on its own
    std::string with_script = html;
    with_script.insert(with_script.rfind("</body>"), kFollowLink);
    const std::filesystem::path page = scratch / "follow.html";
    test::write_file(page, with_script);
    const BrowserRun dump = run_chromium(scratch, page, "--virtual-time-budget=3000 --dump-dom");
    INFO("chromium exit " << dump.exit_code << "; stderr:\n" << dump.err.substr(0, 3000));
    REQUIRE(dump.exit_code == 0);
    const std::size_t start = dump.out.find("<pre id=\"follow\">");
    REQUIRE(start != std::string::npos);
    std::istringstream result(
        dump.out.substr(start + 17, dump.out.find("</pre>", start) - start - 17));
    std::string target, display, hash;
    int before = -1, height = 0, after = -1;
    result >> target >> before >> display >> height >> after >> hash;
    INFO("followed " << target << ": " << before << " cards shown before, display " << display
                     << ", height " << height << ", " << after << " shown after, hash " << hash);
    CHECK(target.rfind("card-", 0) == 0);
    CHECK(before == 0);         // every card is hidden until its link is followed
    CHECK(display == "block");  // the followed card is shown ...
    CHECK(height > 300);        // ... with its content laid out
    CHECK(after == 1);          // and only that one
    CHECK(hash == "#" + target);
    std::string seen;
    for (const std::string& request : dump.requests) seen += "  " + request + "\n";
    INFO("the proxy saw:\n" << seen);
    CHECK(page_requests(dump.requests).empty());
}
