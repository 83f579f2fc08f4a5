import factory

from scripts_library.models import Objection, ObjectionResponse, PhraseRule, TalkTrack


class TalkTrackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TalkTrack

    key = factory.Sequence(lambda n: f"track-{n}")
    debtor_type = "forgetful"
    stage = "opening"
    channel = "call"
    language = "en"
    title = "Friendly opening"
    body = "Hello {contact_name}, this is {collector_name} from {company_name}."
    status = "published"


class ObjectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objection

    code = factory.Sequence(lambda n: f"objection-{n}")
    title_en = "No statement received"
    title_zh_hans = "没收到对账单"


class ObjectionResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ObjectionResponse

    objection = factory.SubFactory(ObjectionFactory)
    debtor_type = "forgetful"
    language = "en"
    body = "I am sorry it did not reach you. I will email it now while we talk."
    status = "published"


class PhraseRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PhraseRule

    phrase = factory.Sequence(lambda n: f"forbidden phrase {n}")
    language = "en"
    severity = PhraseRule.Severity.FORBIDDEN
    category = PhraseRule.Category.THREAT
    reason = "Threats are never allowed."
