"""Talk tracks: per debtor type × stage × channel × language, with versions
and A/B; objections and their answers; phrase rules (the tone guard in
``tone``); rendering a track with a debtor's facts (``rendering``) and picking
the right one with fallbacks (``selectors``). The shipped texts are data in
``content/``, loaded by ``loader``.
"""
