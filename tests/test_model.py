"""The analysis model's own small rules."""

from otio_scoreplan.model import Annotation


def test_annotation_text_joins_name_and_comment():
    assert Annotation(0, 0, "MUSIC IN", comment="low strings").text == "MUSIC IN low strings"
    assert Annotation(0, 0, "", comment="low strings").text == "low strings"


def test_annotation_text_does_not_repeat_a_single_text():
    """Avid locators carry one text, which readers give as both name and comment: the planner's reasons and
    word matching see it once."""
    assert Annotation(0, 0, "MUSIC IN - tension", comment="MUSIC IN - tension").text == "MUSIC IN - tension"


def test_scoreplan_errors_are_otio_errors():
    """An OTIO user catching OTIOError around our adapters catches our errors too (issue 12)."""
    import opentimelineio as otio

    from otio_scoreplan.errors import InputError, ScorePlanError

    assert issubclass(ScorePlanError, otio.exceptions.OTIOError)
    try:
        raise InputError("not a timeline", "cut.xml")
    except otio.exceptions.OTIOError as exc:
        assert str(exc) == "cut.xml: not a timeline"
