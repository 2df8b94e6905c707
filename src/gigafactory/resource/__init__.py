"""The site's resource: hourly weather, solar and wind capacity factors, grid price and carbon.

* :mod:`~gigafactory.resource.weather`: hourly weather synthesised from monthly normals, or
  taken from observations;
* :mod:`~gigafactory.resource.solar` and :mod:`~gigafactory.resource.wind`: weather to
  capacity factor (pvlib; published turbine power curves);
* :mod:`~gigafactory.resource.grid`: typical daily shapes of grid price and carbon;
* :mod:`~gigafactory.resource.iotools`: readers for EPW/TMY/PVGIS files and hourly CSV series.
"""
