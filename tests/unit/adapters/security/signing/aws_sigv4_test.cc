// AWS Signature Version 4 against AWS's published test vectors (WIRE.md §5): the get-vanilla and
// post-x-www-form-urlencoded cases of the aws-c-auth signing suite and the IAM ListUsers example
// of the AWS general reference.
#include "adapters/security/signing/aws_sigv4.h"

#include <gtest/gtest.h>

namespace callgate::aws {
namespace {

const Credentials kCredentials{"AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", ""};
const char* kDate = "20150830T123600Z";

TEST(SigV4Test, GetVanilla) {
  SigV4Request r{"GET", "/", "", {{"Host", "example.amazonaws.com"}, {"X-Amz-Date", kDate}}, ""};
  const SigV4Scope scope{kDate, "us-east-1", "service"};
  EXPECT_EQ(canonicalRequest(r),
            "GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n"
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256Hex(canonicalRequest(r)),
            "bb579772317eb040ac9ed261061d46c1f17a8133879d6129b6e1c25292927e63");
  EXPECT_EQ(signature(r, scope, kCredentials.secretAccessKey),
            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
  EXPECT_EQ(authorizationHeader(r, scope, kCredentials),
            "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, "
            "SignedHeaders=host;x-amz-date, "
            "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
}

TEST(SigV4Test, IamListUsersExample) {
  SigV4Request r{"GET",
                 "/",
                 "Action=ListUsers&Version=2010-05-08",
                 {{"Content-Type", "application/x-www-form-urlencoded; charset=utf-8"},
                  {"Host", "iam.amazonaws.com"},
                  {"X-Amz-Date", kDate}},
                 ""};
  const SigV4Scope scope{kDate, "us-east-1", "iam"};
  EXPECT_EQ(sha256Hex(canonicalRequest(r)),
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(stringToSign(r, scope),
            "AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/iam/aws4_request\n"
            "f536975d06c0309214f805bb90ccff089219ecd68b2577efef23edd43b7e1a59");
  EXPECT_EQ(toHex(signingKey(kCredentials.secretAccessKey, scope)),
            "c4afb1cc5771d871763a393e44b703571b55cc28424d1a5e86da6ed3c154a4b9");
  EXPECT_EQ(signature(r, scope, kCredentials.secretAccessKey),
            "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7");
  EXPECT_EQ(signedHeaders(r), "content-type;host;x-amz-date");
}

TEST(SigV4Test, PostFormUrlEncoded) {
  const std::string body = "Param1=value1";
  SigV4Request r{"POST",
                 "/",
                 "",
                 {{"Content-Type", "application/x-www-form-urlencoded"},
                  {"Host", "example.amazonaws.com"},
                  {"Content-Length", "13"},
                  {"X-Amz-Content-Sha256", sha256Hex(body)},
                  {"X-Amz-Date", kDate}},
                 body};
  EXPECT_EQ(sha256Hex(body), "9095672bbd1f56dfc5b65f3e153adc8731a4a654192329106275f4c7b24d0b6e");
  const SigV4Scope scope{kDate, "us-east-1", "service"};
  EXPECT_EQ(signedHeaders(r), "content-length;content-type;host;x-amz-content-sha256;x-amz-date");
  EXPECT_EQ(signature(r, scope, kCredentials.secretAccessKey),
            "d3875051da38690788ef43de4db0d8f280229d82040bfac253562e56c3f20e0b");
}

TEST(SigV4Test, AnyChangeChangesTheSignature) {
  SigV4Request r{"POST",
                 "/",
                 "",
                 {{"Host", "sns.us-east-1.amazonaws.com"}, {"X-Amz-Date", kDate}},
                 "Action=Publish"};
  const SigV4Scope scope{kDate, "us-east-1", "sns"};
  const std::string base = signature(r, scope, kCredentials.secretAccessKey);
  SigV4Request body = r;
  body.body = "Action=Publish&x=1";
  EXPECT_NE(signature(body, scope, kCredentials.secretAccessKey), base);
  EXPECT_NE(signature(r, {kDate, "eu-west-1", "sns"}, kCredentials.secretAccessKey), base);
  EXPECT_NE(signature(r, scope, "another-secret"), base);
}

TEST(SigV4Test, CanonicalFormsTrimSortAndEncode) {
  SigV4Request r{"GET",
                 "/a b/c",
                 "b=2&a=1&c=x+y",
                 {{"X-Amz-Date", kDate}, {"Host", "  h.example   "}, {"My-Header", "a   b  c"}},
                 ""};
  const std::string canonical = canonicalRequest(r);
  EXPECT_NE(canonical.find("\n/a%20b/c\n"), std::string::npos) << canonical;
  EXPECT_NE(canonical.find("\na=1&b=2&c=x%20y\n"), std::string::npos) << canonical;
  EXPECT_NE(canonical.find("host:h.example\nmy-header:a b c\nx-amz-date:"), std::string::npos)
      << canonical;
}

TEST(SigV4Test, FormatsAmzDate) {
  EXPECT_EQ(amzDate(1440938160000), "20150830T123600Z");
  EXPECT_EQ(amzDate(0), "19700101T000000Z");
}

}  // namespace
}  // namespace callgate::aws
