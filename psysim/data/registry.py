"""The dataset registry: what each human data set is, where it comes from, how to cite it.

Raw files are never shipped with psysim. They are read at run time from the data folder
(``PSYSIM_DATA``, see :func:`psysim.resources.data_dir`); each entry names the public source a
user downloads them from. Derived summaries (cell means, quantiles) that psysim does ship are
made by scripts in ``analysis/`` and cite the same entry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from psysim.errors import PsysimError
from psysim.resources import data_dir


@dataclass(frozen=True)
class Dataset:
    """A registered human data set.

    Parameters
    ----------
    name : str
        Registry key (``wolfe2010``).
    title : str
        Human-readable title.
    folder : str
        Sub-folder of ``PSYSIM_DATA`` that holds the raw files.
    files : tuple of str
        The files expected there.
    citation, licence : str
        How to cite it and the licence it is shared under.
    source_url : str
        Where to download it (``psysim list`` shows it).
    description : str
        One paragraph on what it holds.
    """

    name: str
    title: str
    folder: str
    files: tuple[str, ...]
    citation: str
    licence: str
    source_url: str
    description: str = ""

    def path(self, root=None) -> Path:
        """Folder of the raw files; a one-line error names what is missing and where to get it."""
        base = Path(root) if root is not None else data_dir()
        folder = base / self.folder
        for f in self.files:
            if not (folder / f).exists():
                raise PsysimError(
                    f"data set '{self.name}': {folder / f} not found; download it from "
                    f"{self.source_url} and set PSYSIM_DATA to the folder that holds '{self.folder.split('/')[0]}/'"
                )
        return folder


DATASETS: dict[str, Dataset] = {}


def register_dataset(ds: Dataset) -> Dataset:
    """Add a data set to the registry (``psysim list`` and the loaders find it by name).

    Parameters
    ----------
    ds : Dataset
        The data set; a later one of the same name replaces it.

    Returns
    -------
    Dataset
        ``ds``, now in :data:`DATASETS`.
    """
    DATASETS[ds.name] = ds
    return ds


def get_dataset(name: str) -> Dataset:
    """A registered data set by name.

    Parameters
    ----------
    name : str
        A registered name (``wolfe2010``, ...).

    Returns
    -------
    Dataset
        Its registry entry (title, files, citation, licence, source).

    Raises
    ------
    PsysimError
        For an unknown name, listing the known ones.
    """
    if name not in DATASETS:
        raise PsysimError(f"unknown data set {name!r}; known data sets: {', '.join(sorted(DATASETS))}")
    return DATASETS[name]


WOLFE2010 = register_dataset(
    Dataset(
        name="wolfe2010",
        title="Wolfe, Palmer & Horowitz (2010) visual-search RTs",
        folder="search/wolfe2010",
        files=("wolfe2010RawDataAllTasks.csv",),
        citation=(
            "Wolfe, J. M., Palmer, E. M., & Horowitz, T. S. (2010). Reaction time distributions "
            "constrain models of visual search. Vision Research, 50(14), 1304-1311. "
            "https://doi.org/10.1016/j.visres.2009.11.002"
        ),
        licence=(
            "CC BY-NC 4.0 (GitHub mirror yxlin/HBM-Approach-Visual-Search, with the authors' "
            "permission); the Wolfe lab asks users to say where they got the data"
        ),
        source_url="http://search.bwh.harvard.edu/new/data_set_files.html "
        "(mirror: https://github.com/yxlin/HBM-Approach-Visual-Search, data/WolfePalmer/)",
        description=(
            "111,777 trials; feature (red vertical among green vertical), conjunction (red "
            "vertical among green vertical and red horizontal) and spatial configuration (2 among "
            "5s) search at set sizes 3, 6, 12, 18; 9, 10 and 9 observers."
        ),
    )
)

ETOCVD = register_dataset(
    Dataset(
        name="etocvd",
        title="EToCVD free-viewing fixations on 101 colourful natural images",
        folder="fixations/etocvd",
        files=("SOURCE.md",),
        citation=(
            "Bruno, A., Gugliuzza, F., Ardizzone, E., Giunta, C. C., & Pirrone, R. (2019). Image "
            "content enhancement through salient regions segmentation for people with color "
            "vision deficiencies. i-Perception, 10(3). https://doi.org/10.1177/2041669519841073"
        ),
        licence="no licence stated; research use with citation",
        source_url="https://github.com/fgugliuzza/saliency (folder etocvd/)",
    )
)

ROSSION2004 = register_dataset(
    Dataset(
        name="rossion2004",
        title="Rossion & Pourtois (2004) picture-naming norms for the Snodgrass & Vanderwart set",
        folder="naming/rossion_pourtois_2004",
        files=("rp2004_names.csv",),
        citation=(
            "Rossion, B., & Pourtois, G. (2004). Revisiting Snodgrass and Vanderwart's object "
            "pictorial set: the role of surface detail in basic-level object recognition. "
            "Perception, 33(2), 217-236. https://doi.org/10.1068/p5117"
        ),
        licence="norms transcribed under CC BY 4.0 (github.com/gpwilliams/levenik); pictures for non-commercial research",
        source_url="https://github.com/gpwilliams/levenik (01_materials/images/norms/)",
    )
)

SNODGRASS1980 = register_dataset(
    Dataset(
        name="snodgrass1980",
        title="Snodgrass & Vanderwart (1980) 260 line drawings",
        folder="naming/snodgrass_vanderwart_1980_images",
        files=("001.gif",),
        citation=(
            "Snodgrass, J. G., & Vanderwart, M. (1980). A standardized set of 260 pictures: norms "
            "for name agreement, image agreement, familiarity, and visual complexity. Journal of "
            "Experimental Psychology: Human Learning and Memory, 6(2), 174-215."
        ),
        licence="no licence stated; conventionally free for non-commercial research; never redistribute",
        source_url="https://github.com/bwlabToronto/MLV_toolbox (commit feacea3, dataSets/Snodgrass_Vanderwart/images/)",
    )
)
