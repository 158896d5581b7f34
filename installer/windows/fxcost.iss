; Inno Setup script for the Windows installer of fxcost.
; Built by .github/workflows/build.yml after `pyinstaller build.spec`:
;   iscc /DAppVersion=0.1.0 /DSourceDir=..\..\dist\fxcost installer\windows\fxcost.iss
; Per-user install by default (no admin prompt), offering a per-machine install to admins.

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif
#ifndef SourceDir
  #define SourceDir "..\..\dist\fxcost"
#endif

[Setup]
AppId={{6C1D7E0A-5B8E-4F0A-9B3C-2F7D1E4A8C21}
AppName=fxcost
AppVersion={#AppVersion}
AppVerName=fxcost {#AppVersion}
AppPublisher=fxcost
AppComments=What your forex trading really costs, and what cashback gives back. Works offline.
DefaultDirName={autopf}\fxcost
DefaultGroupName=fxcost
DisableProgramGroupPage=yes
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=fxcost-{#AppVersion}-windows-setup
SetupIconFile=..\..\assets\icons\fxcost.ico
UninstallDisplayIcon={app}\fxcost.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\fxcost"; Filename: "{app}\fxcost.exe"
Name: "{group}\Uninstall fxcost"; Filename: "{uninstallexe}"
Name: "{autodesktop}\fxcost"; Filename: "{app}\fxcost.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\fxcost.exe"; Description: "{cm:LaunchProgram,fxcost}"; Flags: nowait postinstall skipifsilent
