#include "catena/graph/spelling.hpp"

#include <catch2/catch.hpp>

using namespace catena;

TEST_CASE("Spelling: optimal string alignment distance, any case", "[graph][spelling]") {
    CHECK(edit_distance("", "") == 0);
    CHECK(edit_distance("abc", "") == 3);
    CHECK(edit_distance("", "ab") == 2);
    CHECK(edit_distance("top", "top") == 0);
    CHECK(edit_distance("TOP", "top") == 0);
    CHECK(edit_distance("tpo", "top") == 1);         // a swap of neighbours is one edit
    CHECK(edit_distance("kitten", "sitting") == 3);  // the textbook pair
    CHECK(edit_distance("ca", "abc") == 3);          // OSA, not Damerau: no edit of a swapped pair
    CHECK(edit_distance("segmnet", "segment") == 1);
}

TEST_CASE("Spelling: the closest name, only when it is a likely misspelling", "[graph][spelling]") {
    const std::vector<std::string> options = {"--top", "--top-by", "--seed", "--format", "-k"};
    CHECK(closest("--tpo", options) == "--top");
    CHECK(closest("--TOP", options) == "--top");
    CHECK(closest("--fromat", options) == "--format");
    CHECK(closest("--top-b", options) == "--top-by");  // a prefix
    CHECK_FALSE(closest("--frobnicate", options).has_value());
    CHECK_FALSE(closest("-j", options).has_value());  // one letter: no guess
    CHECK(closest("-K", options) == "-k");            // but case alone, yes
    CHECK_FALSE(closest("", options).has_value());
    CHECK_FALSE(closest("--", options).has_value());
    const std::vector<std::string> commands = {"import", "rank", "seeds", "stats"};
    CHECK(closest("rnak", commands) == "rank");
    CHECK(closest("seds", commands) == "seeds");
    CHECK(closest("stat", commands) == "stats");
    CHECK_FALSE(closest("value", commands).has_value());
}
