#include "functions/add_member.h"

#include "core/phone.h"
#include "functions/link_activity.h"

namespace callgate {

Result<Member> AddMember::add(const std::string& accountUserId, const MemberInput& input) {
  if (!isWellFormedUserId(accountUserId)) return Error::notFound("no such account");
  auto account = customers_.findByUserId(accountUserId);
  if (!account.ok()) return account.error();
  if (!account->has_value()) return Error::notFound("no such account");

  const TimePoint now = clock_.now();
  auto valid = validateMemberInput(input, now);
  if (!valid.ok()) return valid.error();

  Member member;
  member.accountUserId = accountUserId;
  member.name = valid->name;
  member.relationship = valid->relationship;
  member.dateOfBirth = valid->dateOfBirth;
  member.phone = valid->phone;
  member.createdAt = now;
  auto id = members_.add(member);
  if (!id.ok()) return id.error();
  member.id = *id;

  std::vector<std::pair<std::string, std::string>> fields{{"user_id", accountUserId},
                                                          {"member", std::to_string(member.id)},
                                                          {"relationship", member.relationship}};
  if (!member.phone.empty()) fields.emplace_back("phone", maskPhone(member.phone));
  audit_.record("member_added", fields);
  noteLinkActivity(handoffs_, clock_, accountUserId, LinkActivity::kMemberAdded);
  return member;
}

Result<MemberInput> AddMember::check(const MemberInput& input) const {
  return validateMemberInput(input, clock_.now());
}

}  // namespace callgate
