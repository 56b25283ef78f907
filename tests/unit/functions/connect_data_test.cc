// The reserved functions behind the routing and data flow actions (functions/connect_hours.h,
// functions/connect_data.h): hours with overrides, queue metrics, profile search, callbacks.
#include "functions/connect_data.h"

#include <gtest/gtest.h>

#include "fakes/fakes.h"
#include "fakes/in_memory_callback_store.h"
#include "functions/connect_hours.h"

namespace callgate {
namespace {

using testing::FakeClock;

// Fixed offsets, no DST: enough to test the rules (TzTimeZones is tested over the real database).
class FixedTimeZones : public TimeZones {
 public:
  Result<LocalTime> localTime(const std::string& zone, TimePoint at) const override {
    int offsetMinutes = 0;
    if (zone == "Test/Minus5") {
      offsetMinutes = -300;
    } else if (zone != "UTC") {
      return Error::notFound("unknown time zone '" + zone + "'");
    }
    const int64_t minutes = toUnixMillis(at) / 60000 + offsetMinutes;
    LocalTime out;
    out.day = static_cast<int>(minutes >= 0 ? minutes / 1440 : (minutes - 1439) / 1440);
    out.minute = static_cast<int>(minutes - int64_t{out.day} * 1440);
    out.weekday = ((out.day % 7) + 7 + 4) % 7;  // 1970-01-01 was a Thursday
    return out;
  }
};

TimePoint utc(const std::string& day, int hour, int minute = 0) {
  auto d = parseCivilDay(day);
  EXPECT_TRUE(d.ok());
  return fromUnixMillis((int64_t{*d} * 1440 + hour * 60 + minute) * 60000);
}

OpenRange range(const std::string& text) {
  auto r = parseOpenRange(text);
  EXPECT_TRUE(r.ok()) << text;
  return r.ok() ? *r : OpenRange{};
}

// Weekdays 09:00-17:00 in UTC-5; closed on 2026-12-25; 09:00-13:00 on 2026-12-24.
HoursOfOperation officeHours() {
  HoursOfOperation h;
  h.name = "office";
  h.id = "h-1";
  h.timeZone = "Test/Minus5";
  for (int d = 1; d <= 5; ++d) h.weekly[static_cast<std::size_t>(d)] = {range("09:00-17:00")};
  h.overrides.push_back(
      HoursOverride{*parseCivilDay("2026-12-25"), *parseCivilDay("2026-12-25"), {}});
  h.overrides.push_back(HoursOverride{
      *parseCivilDay("2026-12-24"), *parseCivilDay("2026-12-24"), {range("09:00-13:00")}});
  return h;
}

FunctionRequest requestWith(StringMap parameters) {
  FunctionRequest r;
  r.contact.contactId = "c-1";
  r.parameters = std::move(parameters);
  return r;
}

TEST(ConnectHoursTest, ParsesRangesDaysAndWeekdays) {
  EXPECT_EQ(range("9:00-17:30"), (OpenRange{540, 1050}));
  EXPECT_EQ(range("00:00-24:00"), (OpenRange{0, 1440}));
  EXPECT_EQ(range("22:00-00:00"), (OpenRange{1320, 1440}));
  EXPECT_FALSE(parseOpenRange("9-17").ok());
  EXPECT_FALSE(parseOpenRange("25:00-26:00").ok());
  EXPECT_FALSE(parseCivilDay("2026-02-30").ok());
  EXPECT_EQ(*parseWeekday("Saturday"), 6);
  EXPECT_FALSE(parseWeekday("someday").ok());
}

TEST(ConnectHoursTest, InHoursFollowsTheWeekInTheLocalZone) {
  FakeClock clock;
  FixedTimeZones zones;
  auto fn = CheckHoursOfOperation::create({officeHours()}, {}, zones, clock);
  ASSERT_TRUE(fn.ok());
  // Tuesday 2026-12-01: 14:00 UTC is 09:00 local (open), 13:59 UTC is 08:59 (closed).
  EXPECT_TRUE(*(*fn)->isOpen("office", "", utc("2026-12-01", 14)));
  EXPECT_FALSE(*(*fn)->isOpen("office", "", utc("2026-12-01", 13, 59)));
  EXPECT_FALSE(*(*fn)->isOpen("office", "", utc("2026-12-01", 22)));  // 17:00 local: closed
  EXPECT_FALSE(*(*fn)->isOpen("office", "", utc("2026-12-05", 15)));  // Saturday
}

TEST(ConnectHoursTest, OverridesCloseAHolidayAndShortenADay) {
  FakeClock clock;
  FixedTimeZones zones;
  auto fn = CheckHoursOfOperation::create({officeHours()}, {}, zones, clock);
  ASSERT_TRUE(fn.ok());
  EXPECT_FALSE(*(*fn)->isOpen("h-1", "", utc("2026-12-25", 15)));  // Friday, Christmas
  EXPECT_TRUE(*(*fn)->isOpen("h-1", "", utc("2026-12-24", 15)));   // 10:00 local
  EXPECT_FALSE(*(*fn)->isOpen("h-1", "", utc("2026-12-24", 19)));  // 14:00 local
}

TEST(ConnectHoursTest, RangesPastMidnightCountOnTheNextMorning) {
  HoursOfOperation night;
  night.name = "night";
  night.timeZone = "UTC";
  night.weekly[1] = {range("22:00-02:00")};  // Monday night
  EXPECT_TRUE(isOpenAt(night, 0, 1, 23 * 60));
  EXPECT_TRUE(isOpenAt(night, 1, 2, 60));       // Tuesday 01:00
  EXPECT_FALSE(isOpenAt(night, 1, 2, 2 * 60));  // Tuesday 02:00
  EXPECT_FALSE(isOpenAt(night, 0, 1, 21 * 60));
}

TEST(ConnectHoursTest, InvokeNamesHoursByArnOrByTheQueue) {
  FakeClock clock(utc("2026-12-01", 15));
  FixedTimeZones zones;
  auto fn = CheckHoursOfOperation::create({officeHours()}, {{"support", "office"}}, zones, clock);
  ASSERT_TRUE(fn.ok());
  auto byArn = (*fn)->invoke(requestWith(
      {{"HoursOfOperationId", "arn:aws:connect:us-east-1:1:instance/i/operating-hours/h-1"}}));
  ASSERT_TRUE(byArn.ok());
  EXPECT_EQ(byArn->at("InHours"), "True");
  auto byQueue = (*fn)->invoke(requestWith({{"HoursOfOperationId", ""}, {"Queue", "support"}}));
  ASSERT_TRUE(byQueue.ok());
  EXPECT_EQ(byQueue->at("InHours"), "True");
  EXPECT_EQ((*fn)->invoke(requestWith({{"HoursOfOperationId", "nope"}})).error().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ((*fn)->invoke(requestWith({{"Queue", "sales"}})).error().code(), ErrorCode::kNotFound);
}

TEST(ConnectHoursTest, RefusesAnUnknownTimeZone) {
  FakeClock clock;
  FixedTimeZones zones;
  HoursOfOperation h = officeHours();
  h.timeZone = "Mars/Olympus";
  EXPECT_FALSE(CheckHoursOfOperation::create({h}, {}, zones, clock).ok());
}

TEST(ConnectDataTest, MetricsReadTheConfiguredQueue) {
  CheckMetricData fn({QueueInfo{"support", "q-1", "", 5, 2, 4}});
  auto available =
      fn.invoke(requestWith({{"MetricType", "NumberOfAgentsAvailable"}, {"Queue", "q-1"}}));
  ASSERT_TRUE(available.ok());
  EXPECT_EQ(available->at("Value"), "2");
  EXPECT_EQ(fn.invoke(requestWith({{"MetricType", "NumberOfAgentsStaffed"}, {"Queue", "support"}}))
                ->at("Value"),
            "5");
  EXPECT_EQ(
      fn.invoke(requestWith({{"MetricType", "NumberOfContactsInQueue"}, {"Queue", "support"}}))
          ->at("Value"),
      "0");
  EXPECT_EQ(fn.invoke(requestWith({{"MetricType", "NumberOfAgentsOnline"}, {"Queue", "sales"}}))
                .error()
                .code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(fn.invoke(requestWith({{"MetricType", "Bogus"}, {"Queue", "support"}})).error().code(),
            ErrorCode::kInvalidArgument);
}

class ProfileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(
        customers_.add(Customer{"+14155550100", "Ada", "Lovelace", "Gold", "en-GB", {}, "12345678"})
            .ok());
    ASSERT_TRUE(
        customers_.add(Customer{"+14155550101", "Alan", "Turing", "Silver", "en-GB", {}, ""}).ok());
  }
  Result<StringMap> search(StringMap parameters) { return fn_.invoke(requestWith(parameters)); }

  testing::InMemoryCustomerStore customers_;
  GetCustomerProfile fn_{customers_};
};

TEST_F(ProfileTest, FindsByPhoneAndAnswersTheConnectFields) {
  auto r = search({{"IdentifierName.1", "_phone"}, {"IdentifierValue.1", "+1 415 555 0100"}});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->at("Outcome"), "Found");
  EXPECT_EQ(r->at("ProfileId"), "12345678");
  EXPECT_EQ(r->at("FirstName"), "Ada");
  EXPECT_EQ(r->at("AccountNumber"), "12345678");
  EXPECT_EQ(r->at("Attributes.custLevel"), "Gold");
}

TEST_F(ProfileTest, AndNeedsOneCustomerForEveryIdentifier) {
  auto same = search({{"IdentifierName.1", "_phone"},
                      {"IdentifierValue.1", "+14155550100"},
                      {"IdentifierName.2", "_account"},
                      {"IdentifierValue.2", "12345678"},
                      {"LogicalOperator", "AND"}});
  EXPECT_EQ(same->at("Outcome"), "Found");
  auto different = search({{"IdentifierName.1", "_phone"},
                           {"IdentifierValue.1", "+14155550101"},
                           {"IdentifierName.2", "_account"},
                           {"IdentifierValue.2", "12345678"},
                           {"LogicalOperator", "AND"}});
  EXPECT_EQ(different->at("Outcome"), "NoneFound");
}

TEST_F(ProfileTest, OrFindingTwoCustomersIsMultipleFound) {
  auto r = search({{"IdentifierName.1", "_phone"},
                   {"IdentifierValue.1", "+14155550101"},
                   {"IdentifierName.2", "AccountNumber"},
                   {"IdentifierValue.2", "12345678"},
                   {"LogicalOperator", "OR"}});
  EXPECT_EQ(r->at("Outcome"), "MultipleFound");
}

TEST_F(ProfileTest, UnknownOrMalformedValuesFindNobody) {
  auto a = search({{"IdentifierName.1", "_phone"}, {"IdentifierValue.1", "not a number"}});
  ASSERT_TRUE(a.ok()) << a.error().message();
  auto b = search({{"IdentifierName.1", "_profileId"}, {"IdentifierValue.1", "+14155550101"}});
  ASSERT_TRUE(b.ok()) << b.error().message();
  EXPECT_EQ(search({{"IdentifierName.1", "_phone"}, {"IdentifierValue.1", "not a number"}})
                ->at("Outcome"),
            "NoneFound");
  EXPECT_EQ(search({{"IdentifierName.1", "_profileId"}, {"IdentifierValue.1", "+14155550101"}})
                ->at("Outcome"),
            "Found");
  // callgate's customers have no e-mail address: an e-mail search finds nobody.
  EXPECT_EQ(search({{"IdentifierName.1", "_email"}, {"IdentifierValue.1", "ada@example.com"}})
                ->at("Outcome"),
            "NoneFound");
  EXPECT_EQ(search({{"IdentifierName.1", "_shoeSize"}, {"IdentifierValue.1", "9"}}).error().code(),
            ErrorCode::kInvalidArgument);
}

class CallbackTest : public ::testing::Test {
 protected:
  StringMap params(const std::string& number) {
    return {{"Queue", "support"},
            {"CallbackNumber", number},
            {"InitialCallDelaySeconds", "30"},
            {"MaximumConnectionAttempts", "2"},
            {"RetryDelaySeconds", "300"},
            {"ContactFlowId", ""}};
  }

  FakeClock clock_;
  testing::InMemoryCallbackStore store_;
  testing::RecordingAuditLog audit_;
  CreateCallbackContact fn_{store_, clock_, audit_, CallbackLimits{2, Seconds(3600)}};
};

TEST_F(CallbackTest, StoresTheRequestAndAuditsItMasked) {
  auto r = fn_.invoke(requestWith(params("+1 (415) 555-0100")));
  ASSERT_TRUE(r.ok()) << r.error().message();
  auto listed = store_.list(10);
  ASSERT_EQ(listed->size(), 1u);
  const CallbackRequest& c = (*listed)[0];
  EXPECT_EQ(r->at("CallbackId"), std::to_string(c.id));
  EXPECT_EQ(c.phone, "+14155550100");
  EXPECT_EQ(c.contactId, "c-1");
  EXPECT_EQ(c.notBefore, clock_.now() + Seconds(30));
  EXPECT_EQ(c.maxAttempts, 2);
  ASSERT_EQ(audit_.events.size(), 1u);
  for (const auto& [k, v] : audit_.events[0].second) EXPECT_NE(v, "+14155550100");
}

TEST_F(CallbackTest, RefusesABadNumberAndTooManyRequests) {
  EXPECT_EQ(fn_.invoke(requestWith(params("12"))).error().code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(fn_.invoke(requestWith(params("+14155550100"))).ok());
  ASSERT_TRUE(fn_.invoke(requestWith(params("+14155550100"))).ok());
  EXPECT_EQ(fn_.invoke(requestWith(params("+14155550100"))).error().code(),
            ErrorCode::kResourceExhausted);
  clock_.advance(Seconds(3601));
  EXPECT_TRUE(fn_.invoke(requestWith(params("+14155550100"))).ok());
}

TEST_F(CallbackTest, AStoreOutageIsAFailure) {
  store_.failing = true;
  EXPECT_EQ(fn_.invoke(requestWith(params("+14155550100"))).error().code(),
            ErrorCode::kUnavailable);
}

}  // namespace
}  // namespace callgate
